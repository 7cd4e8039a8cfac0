package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ReleaseApi.AuditEntry;
import java.io.StringReader;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class AuditCsvTest {

  @Test
  void aSignedReleaseWithHostileTextReadsBackAsTextInEveryCell() throws Exception {
    AuditEntry release = new AuditEntry("2026-03-01T08:00:00Z", "transition", "=HYPERLINK(\"x\").nc", "1.0",
      "ab".repeat(32), "quinn", "review", "released", true, null, null, null, "Proved, \"OK\"\non Mill 3");
    AuditEntry checkin = new AuditEntry("2026-03-01T07:00:00Z", "checkin", "part.nc", "1.1", "cd".repeat(32),
      "alice", null, null, false, null, null, 42L, "@SUM(A1) +1 -2");

    String csv = AuditCsv.write(List.of(checkin, release));
    List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
      .parse(new StringReader(csv)).getRecords();

    assertThat(csv).startsWith(String.join(",", AuditCsv.COLUMNS) + "\r\n");
    assertThat(records).hasSize(2);
    assertThat(records.get(0).get("comment")).isEqualTo("'@SUM(A1) +1 -2");
    assertThat(records.get(0).get("bytes")).isEqualTo("42");
    assertThat(records.get(0).get("signed")).isEmpty();
    CSVRecord signature = records.get(1);
    assertThat(signature.get("file")).isEqualTo("'=HYPERLINK(\"x\").nc");
    assertThat(signature.get("comment")).isEqualTo("Proved, \"OK\"\non Mill 3");
    assertThat(signature.get("signed")).isEqualTo("yes");
    assertThat(signature.get("user")).isEqualTo("quinn");
    assertThat(signature.get("sha256")).isEqualTo("ab".repeat(32));
    assertThat(AuditCsv.cell("-")).isEqualTo("'-");
    assertThat(AuditCsv.cell("\tx")).isEqualTo("'\tx");
    assertThat(AuditCsv.cell("plain")).isEqualTo("plain");
  }
}
