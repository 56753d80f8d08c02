package dev.muster.cli.csvimport;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records: comma-separated fields, fields in double quotes may hold commas, line breaks and doubled quotes
 * ({@code ""}). Blank lines and lines starting with {@code #} are skipped. Each record knows the line it starts on.
 */
public final class CsvRecords {
    /** One record: its fields and the 1-based line number where it starts. */
    public record Record(int line, List<String> fields) {}

    private final Reader in;
    private int line = 1;
    private int pushedBack = -2;

    public CsvRecords(Reader in) {
        this.in = in;
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        return in.read();
    }

    /** The next record, or null at the end. A quote left open is an error naming the line it was opened on. */
    public Record next() throws IOException {
        while (true) {
            int c = read();
            if (c == -1) {
                return null;
            }
            if (c == '\r' || c == '\n') {
                newline(c);
                continue;
            }
            if (c == '#') {
                skipLine();
                continue;
            }
            pushedBack = c;
            return record();
        }
    }

    private void newline(int c) throws IOException {
        if (c == '\r') {
            int n = read();
            if (n != '\n') {
                pushedBack = n;
            }
        }
        line++;
    }

    private void skipLine() throws IOException {
        int c;
        while ((c = read()) != -1 && c != '\n' && c != '\r') {
            // comment text
        }
        if (c != -1) {
            newline(c);
        }
    }

    private Record record() throws IOException {
        int start = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        while (true) {
            int c = read();
            if (quoted) {
                if (c == -1) {
                    throw new IOException("line " + start + ": a quoted field is never closed");
                }
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        pushedBack = n;
                    }
                } else {
                    if (c == '\n' || c == '\r') {
                        field.append((char) c);
                        if (c == '\r') {
                            int n = read();
                            if (n == '\n') {
                                field.append('\n');
                            } else {
                                pushedBack = n;
                            }
                        }
                        line++;
                    } else {
                        field.append((char) c);
                    }
                }
                continue;
            }
            if (c == '"' && field.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == -1 || c == '\n' || c == '\r') {
                fields.add(field.toString());
                if (c != -1) {
                    newline(c);
                }
                return new Record(start, fields);
            } else {
                field.append((char) c);
            }
        }
    }
}
