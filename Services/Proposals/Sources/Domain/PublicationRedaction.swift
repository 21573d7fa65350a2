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

    /// 18-digit resident identity card numbers (the last may be X), not part of a longer number.
    private static let identityNumber = try! NSRegularExpression(pattern: #"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])"#)
    /// Mainland mobile numbers, optionally after +86 / 86, not part of a longer number.
    private static let mobileNumber = try! NSRegularExpression(pattern: #"(?<![0-9])((?:\+?86[- ]?)?1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})(?![0-9])"#)
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
}
