package com.ncvault.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects what an in-process node logs at ERROR level (unhandled exceptions, 500s), so that a
 * test can say "and nothing went wrong inside": bad input must be refused, not crash a handler.
 */
final class ErrorLog extends AppenderBase<ILoggingEvent> {

  private final List<String> errors = new ArrayList<>();

  static ErrorLog attach() {
    ErrorLog log = new ErrorLog();
    log.setName("test-error-log");
    log.start();
    root().addAppender(log);
    return log;
  }

  void detach() {
    root().detachAppender(this);
    stop();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      IThrowableProxy thrown = event.getThrowableProxy();
      errors.add(event.getLoggerName() + ": " + event.getFormattedMessage()
        + (thrown == null ? "" : " - " + thrown.getClassName() + ": " + thrown.getMessage()));
    }
  }

  /** The errors logged since the last call. */
  synchronized List<String> drain() {
    List<String> drained = List.copyOf(errors);
    errors.clear();
    return drained;
  }
}
