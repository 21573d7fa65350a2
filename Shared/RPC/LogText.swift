/// Caller-supplied text on its way into a log line: nothing a caller sends may break a line,
/// forge another, or flood the log.
public enum LogText {
    /// The longest caller-supplied value written whole; longer ones are cut, with their size.
    public static let maxLength = 200

    /// `text` with every control character, backslash and quote escaped (`\n`, `\u{1b}`, …),
    /// cut to `maxLength` bytes of its UTF-8 with "…(N bytes)" after. Plain text passes as it is.
    public static func escaped(_ text: String, maxLength: Int = LogText.maxLength) -> String {
        let utf8 = text.utf8
        // Printable ASCII passes at once; anything else is looked at character by character.
        if utf8.count <= maxLength, utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f && $0 != 0x5c && $0 != 0x22 }) { return text }
        var out = ""
        var used = 0
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar {
            case "\n": piece = "\\n"
            case "\r": piece = "\\r"
            case "\t": piece = "\\t"
            case "\\": piece = "\\\\"
            case "\"": piece = "\\\""
            case _ where scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029:
                piece = "\\u{\(String(scalar.value, radix: 16))}"
            default: piece = String(scalar)
            }
            let size = String(scalar).utf8.count
            if used + size > maxLength {
                out += "…(\(utf8.count) bytes)"
                return out
            }
            used += size
            out += piece
        }
        return out
    }

    /// A request id fit for a log line and the seal: kept when it is 1–128 of
    /// `A-Z a-z 0-9 . _ : -` (what the gateway passes on), else escaped.
    public static func requestID(_ id: String) -> String {
        isPlainRequestID(id) ? id : escaped(id, maxLength: 128)
    }

    public static func isPlainRequestID(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) || byte == 0x2e || byte == 0x5f || byte == 0x3a || byte == 0x2d
            }
    }
}
