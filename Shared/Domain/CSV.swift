import Foundation

/// Moved here from the proposals import so every service reads and writes CSV one way.
/// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Reading and writing
/// both go by Unicode scalars, so CRLF is two scalars and a quote or comma stays one even when a
/// combining mark follows it.
public enum CSV {
    /// One field as written: quoted when it holds a comma, a quote or a line break (any scalar
    /// `Character.isNewline` takes for one: LF, CR, VT, FF, NEL, U+2028, U+2029), quotes doubled.
    /// `text` marks free text typed by people (titles, names): one that a spreadsheet would
    /// take for a formula (= + - @, a tab or CR first) gets a leading ' so it is shown, not run.
    public static func field(_ value: String, text: Bool = false) -> String {
        var scalars = value.unicodeScalars
        if text, let first = scalars.first, "=+-@\t\r".unicodeScalars.contains(first) { scalars.insert("'", at: scalars.startIndex) }
        guard scalars.contains(where: { $0 == "," || $0 == "\"" || Character($0).isNewline }) else { return String(scalars) }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for c in scalars {
            if c == "\"" { quoted.append(c) }
            quoted.append(c)
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// One record: the line it starts on (1-based) and its fields.
    public struct Row: Sendable {
        public let line: Int
        public let fields: [String]
        /// Whether a field of the record has text other than spaces and tabs after its closing
        /// quote (`"x"y`), which RFC 4180 does not allow. The strict reading keeps that text (`xy`),
        /// the `trimmingSpaces` one drops it; a reader that refuses such a record checks this.
        public let textAfterQuote: Bool
    }

    /// What `read` found.
    public struct Reading: Sendable {
        /// The records, blank lines included (one empty field); when a quote never closes, those
        /// before the record it is in.
        public let rows: [Row]
        /// The line on which the record with a quoted field that is never closed starts (the rest
        /// of the file is that field); nil when every quote closes.
        public let unclosedQuoteLine: Int?
    }

    /// The records of `text` (a byte-order mark skipped, CRLF or LF); throws INVALID_ARGUMENT
    /// UNCLOSED_QUOTE naming the line where an unclosed quoted field starts.
    public static func parse(_ text: String) throws -> [Row] {
        let reading = read(text)
        if let line = reading.unclosedQuoteLine {
            throw DomainError.invalid("line \(line): a quoted field is not closed", field: "line \(line)", reason: "UNCLOSED_QUOTE")
        }
        return reading.rows
    }

    /// An import file's header and its data rows (blank rows dropped), or the problem that stops
    /// the whole file under the field "content": the parse's own (UNCLOSED_QUOTE), EMPTY, or
    /// TOO_MANY with more than `limit` data rows (`rows` names them: "member rows").
    public static func importTable(_ text: String, limit: Int, rows noun: String = "rows") -> Result<(header: Row, rows: [Row]), ValidationErrors> {
        func content(_ reason: String, _ description: String) -> ValidationErrors {
            var errors = ValidationErrors()
            errors.add("content", reason, description)
            return errors
        }
        let rows: [Row]
        do {
            rows = try parse(text)
        } catch let error as DomainError {
            var errors = ValidationErrors()
            for problem in error.problems { errors.add(problem) }
            return .failure(errors)
        } catch {
            return .failure(content("INVALID", "the file cannot be read: \(error)"))
        }
        guard let header = rows.first else { return .failure(content("EMPTY", "the file is empty")) }
        let data = rows.dropFirst().filter { !$0.fields.allSatisfy { $0.allSatisfy(\.isWhitespace) } }
        if data.count > limit { return .failure(content("TOO_MANY", "the file has \(data.count) \(noun), more than \(limit) in one file")) }
        return .success((header, Array(data)))
    }

    /// The records of `text` without throwing: a byte-order mark skipped; CRLF, LF or a bare CR
    /// ends a line (inside a quoted field too, for the line numbers); an unclosed quote is reported
    /// in `unclosedQuoteLine` after the records before it.
    ///
    /// Strict by default: every character is kept (`a ` stays `a `), a quote opens a quoted field
    /// only as the field's first character (elsewhere it is kept as text), and text after a closing
    /// quote is kept (`"x"y` is `xy`, the row marked `textAfterQuote`). `trimmingSpaces` reads the
    /// looser form other systems write: spaces and tabs around an unquoted field are dropped, those
    /// before an opening quote and after a closing one ignored (` "a" ` is `a`, a quoted field kept
    /// as quoted); other text after a closing quote is dropped and marks the row `textAfterQuote`.
    public static func read(_ text: String, trimmingSpaces trims: Bool = false) -> Reading {
        var rows: [Row] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false  // inside a quoted field
        var wasQuoted = false  // the current field is a quoted one
        var afterQuote = false  // past the current field's closing quote
        var textAfterQuote = false  // in the current record
        var line = 1
        var rowStart = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }  // a byte-order mark from spreadsheet software
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }
        func endField() {
            var value = field
            if trims && !wasQuoted {
                if let start = value.firstIndex(where: { !isSpace($0) }), let end = value.lastIndex(where: { !isSpace($0) }) {
                    value = String.UnicodeScalarView(value[start...end])
                } else {
                    value = String.UnicodeScalarView()
                }
            }
            fields.append(String(value))
            field = String.UnicodeScalarView()
            wasQuoted = false
            afterQuote = false
        }
        func endRow() {
            endField()
            rows.append(Row(line: rowStart, fields: fields, textAfterQuote: textAfterQuote))
            fields = []
            textAfterQuote = false
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            if quoted {
                if c == "\"" {
                    if next == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" || (c == "\r" && next != "\n") { line += 1 }  // CRLF counts at its LF
                    field.append(c)
                }
            } else if c == "," {
                endField()
            } else if c == "\n" || c == "\r" {
                if c == "\r" && next == "\n" { i += 1 }
                endRow()
                line += 1
                rowStart = line
            } else if afterQuote {
                if !isSpace(c) { textAfterQuote = true }
                if !trims { field.append(c) }
            } else if c == "\"" && (trims ? field.allSatisfy(isSpace) : field.isEmpty) {
                field = String.UnicodeScalarView()
                quoted = true
                wasQuoted = true
            } else {
                field.append(c)
            }
            i += 1
        }
        if quoted { return Reading(rows: rows, unclosedQuoteLine: rowStart) }
        if !field.isEmpty || !fields.isEmpty || textAfterQuote { endRow() }
        return Reading(rows: rows, unclosedQuoteLine: nil)
    }
}
