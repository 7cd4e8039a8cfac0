package com.ncvault.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.text.Normalizer;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity of a file name: two names with one key cannot both exist, because Windows (NTFS
 * upper-case table) or macOS (APFS and HFS+ case folding, any Unicode normalisation) would store
 * them as one file. The key is the full case folding of the NFKC form: canonically equal spellings
 * (precomposed and decomposed "Ä"), compatibility look-alikes ("ﬁ" and "fi", fullwidth letters,
 * the Kelvin sign), case ("A" and "a"), case mappings that change the length ("ß" and "SS") and
 * context ("Σ" and final "ς") all give one key. The Turkish dotted and dotless i ("İ", "ı") fold
 * to "i" too: a Turkish-locale client would make them the same as "I" and "i".
 */
final class NameKey {

  private static final Logger LOG = LoggerFactory.getLogger(NameKey.class);

  private NameKey() {
  }

  static String of(String filename) {
    String compatible = Normalizer.normalize(filename, Normalizer.Form.NFKC);
    // Upper then lower case: toLowerCase alone leaves "ß" apart from "SS"; both end as "ss".
    String folded = compatible.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT)
      .replace("i\u0307", "i")
      .replace('\u0131', 'i')
      .replace('\u03c2', '\u03c3');
    return Normalizer.normalize(folded, Normalizer.Form.NFKC);
  }

  /**
   * Brings the keys stored by an older rule (lower case of NFC) to this one, at start before any
   * request is served. Two existing files whose new keys collide both stay; the second keeps its
   * old key and is named in a warning (rename one of them).
   */
  static Future<Integer> rekey(Database db) {
    return db.pool().query(Sql.FILE_KEYS).execute().compose(rows -> {
      Set<String> taken = new HashSet<>();
      rows.forEach(row -> taken.add(row.getString("name_key")));
      List<Map<String, Object>> updates = new ArrayList<>();
      for (Row row : rows) {
        String filename = row.getString("filename");
        String key = of(filename);
        if (key.equals(row.getString("name_key"))) {
          continue;
        }
        if (!taken.add(key)) {
          LOG.warn("The file {} has the same name as another on Windows or macOS; rename one of them", filename);
          continue;
        }
        updates.add(Map.of("filename", filename, "key", key));
      }
      if (updates.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return db.inTransaction(conn -> SqlTemplate.forUpdate(conn, Sql.SET_FILE_KEY).executeBatch(updates))
        .map(v -> updates.size());
    });
  }
}
