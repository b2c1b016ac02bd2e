package io.pointmesh.platform.csv;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.List;

/**
 * CSV exports (RFC 4180: comma separated, CRLF line ends, fields quoted when they need it). Text
 * that a spreadsheet would run as a formula (starting with =, +, -, @) is prefixed with a quote
 * mark; numbers are written as plain decimals, never in exponent form.
 */
public final class Csv {

    public static final String MEDIA_TYPE = "text/csv";

    private Csv() {}

    /** Whether the request prefers CSV to JSON ({@code Accept: text/csv}); JSON is the default. */
    public static boolean wanted(HttpHeaders headers) {
        for (MediaType m : headers.getAcceptableMediaTypes()) {
            if ("text".equals(m.getType()) && "csv".equals(m.getSubtype())) {
                return true;
            }
            if (m.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return false;
            }
        }
        return false;
    }

    /** A CSV answer, offered as a download named {@code fileName}. */
    public static Response response(String fileName, String[] header, List<Object[]> rows) {
        return Response.ok(write(header, rows), MEDIA_TYPE + "; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .build();
    }

    public static String write(String[] header, List<Object[]> rows) {
        StringBuilder out = new StringBuilder();
        line(out, header);
        for (Object[] row : rows) {
            line(out, row);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(values[i]));
        }
        out.append("\r\n");
    }

    static String field(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String text = value.toString();
        // a leading tab or carriage return is read as a formula's start too (OWASP, CSV injection)
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
