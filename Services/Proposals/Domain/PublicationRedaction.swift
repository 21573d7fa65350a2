import Foundation

/// 公开 publishes the reply's full text with personal details removed. The office may edit
/// the text before publishing; either way this mask runs over what goes out, so a mobile
/// number, an identity card number, an e-mail address or a proposer's recorded contact
/// never reaches the public list. The bureau's own office numbers (landlines, hotlines)
/// are left alone: replies quote them on purpose.
public struct PublicationRedaction: Sendable {
    /// The proposers' contacts as recorded on the item (phone, address, e-mail).
    public let contacts: [String]

    public init(contacts: [String]) {
        // Longest first, so a contact that contains another is masked whole.
        self.contacts = Set(contacts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { $0.count >= 5 })
            .sorted { ($0.count, $0) > ($1.count, $1) }
    }

    public static let contactMask = "[联系方式已隐去]"

    // Digits as typed with a Chinese input method may be full-width (１３８…); numbers may
    // be grouped with spaces, hyphens or dots.
    private static let digit = "[0-9０-９]"
    private static let separator = "[- .－]"
    /// 18-digit resident identity card numbers (the last may be X), not part of a longer number.
    private static let identityNumber = try! NSRegularExpression(
        pattern: "(?<!\(digit))([1-9１-９]\(digit){5})\(digit){8}(\(digit){3}[0-9０-９XxＸ])(?![0-9０-９A-Za-z])")
    /// Mainland mobile numbers, optionally after +86 / 86, not part of a longer number.
    private static let mobileNumber = try! NSRegularExpression(
        pattern: "(?<!\(digit))((?:\\+?86\(separator)?)?[1１][3-9３-９]\(digit))\(separator)?\(digit){4}\(separator)?(\(digit){4})(?!\(digit))")
    private static let email = try! NSRegularExpression(pattern: #"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})"#)

    public struct Result: Sendable, Equatable {
        public let text: String
        /// How many details were masked.
        public let masked: Int
    }

    public func redact(_ text: String) -> Result {
        var masked = 0
        var out = text
        for contact in contacts {
            let parts = out.components(separatedBy: contact)
            masked += parts.count - 1
            out = parts.joined(separator: Self.contactMask)
        }
        // A phone number on record is also found written another way: grouped differently,
        // in full-width digits, or without its area code.
        for pattern in contacts.flatMap(Self.phonePatterns) {
            let range = NSRange(out.startIndex..., in: out)
            masked += pattern.numberOfMatches(in: out, range: range)
            out = pattern.stringByReplacingMatches(in: out, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: Self.contactMask))
        }
        // 110105********1234, 138****5678, a***@example.com: enough left to tell the
        // reader a detail was there, nothing that identifies the person.
        for (pattern, template) in [
            (Self.identityNumber, "$1********$2"),
            (Self.mobileNumber, "$1****$2"),
            (Self.email, "$1***@$2"),
        ] {
            let range = NSRange(out.startIndex..., in: out)
            masked += pattern.numberOfMatches(in: out, range: range)
            out = pattern.stringByReplacingMatches(in: out, range: range, withTemplate: template)
        }
        return Result(text: out, masked: masked)
    }

    /// For a contact that is a phone number (7 or more digits, nothing but digits,
    /// separators, brackets and +): its digits with any grouping, and — for a landline with
    /// an area code (0…) — the local number alone.
    static func phonePatterns(_ contact: String) -> [NSRegularExpression] {
        guard contact.allSatisfy({ $0.isASCII && ($0.isNumber || "-. ()+".contains($0)) }) else { return [] }
        let digits = contact.filter(\.isNumber)
        guard digits.count >= 7 else { return [] }
        var sequences = [String(digits)]
        let groups = contact.split(whereSeparator: { !$0.isNumber })
        if groups.count >= 2, groups[0].hasPrefix("0"), groups[0].count <= 4 {
            let local = groups.dropFirst().joined()
            if local.count >= 7 { sequences.append(local) }
        }
        return sequences.compactMap { sequence in
            let body = sequence.map { d -> String in
                let fullWidth = Character(UnicodeScalar(0xFF10 + UInt32(String(d))!)!)
                return "[\(d)\(fullWidth)]"
            }.joined(separator: "\(separator)?")
            return try? NSRegularExpression(pattern: "(?<!\(digit))\(body)(?!\(digit))")
        }
    }
}
