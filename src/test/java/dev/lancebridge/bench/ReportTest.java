package dev.lancebridge.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** bench/run rewrites only what sits between a step's markers in the report; the hand-written prose stays. */
class ReportTest {

    @TempDir
    Path dir;

    @Test
    void aRunReplacesItsRegionAndKeepsTheProse() throws Exception {
        Path report = dir.resolve("REPORT.md");
        Files.writeString(report, "# R\n\nprose before\n<!-- bench:ingest -->\nold table\n<!-- /bench:ingest -->\nprose after\n");
        Report.update(report, "ingest", "| new | table |\n");
        assertEquals("# R\n\nprose before\n<!-- bench:ingest -->\n| new | table |\n<!-- /bench:ingest -->\nprose after\n",
                Files.readString(report));
    }

    @Test
    void aStepWithoutMarkersYetIsAppended() throws Exception {
        Path report = dir.resolve("REPORT.md");
        Files.writeString(report, "# R\n\nprose\n");
        Report.update(report, "chaos", "| t |");
        assertEquals("# R\n\nprose\n\n## Latest `bench/run --only chaos`\n\n<!-- bench:chaos -->\n| t |\n<!-- /bench:chaos -->\n",
                Files.readString(report));
    }
}
