package io.pointmesh.platform.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotesWhatNeedsItAndDefusesFormulas() {
        String csv = Csv.write(
                new String[] {"name", "amount", "note"},
                List.<Object[]>of(
                        new Object[] {"GS, Retail", new BigDecimal("-1.5E+3"), "say \"hi\""},
                        new Object[] {"=HYPERLINK(\"x\")", -42L, null}));
        assertEquals(
                "name,amount,note\r\n\"GS, Retail\",-1500,\"say \"\"hi\"\"\"\r\n\"'=HYPERLINK(\"\"x\"\")\",-42,\r\n",
                csv);
    }

    @Test
    void aLeadingTabOrCarriageReturnIsDefusedToo() {
        assertEquals("'\t=1+1", Csv.field("\t=1+1"));
        assertEquals("\"'\r=1+1\"", Csv.field("\r=1+1"));
        assertEquals("Seoul", Csv.field("Seoul"));
    }
}
