// Applied before the first paint so a dark theme does not flash light (classic script, no module).
(function () {
  var preference = 'system';
  var tooltips = 'on';
  try {
    preference = localStorage.getItem('ncvault.theme') || 'system';
    tooltips = localStorage.getItem('ncvault.tooltips') === 'off' ? 'off' : 'on';
  } catch (e) {
    // Storage disabled: defaults.
  }
  var dark = preference === 'dark'
    || (preference !== 'light' && window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
  document.documentElement.setAttribute('data-tooltips', tooltips);
}());
