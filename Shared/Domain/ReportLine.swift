/// One figure of a division report (eldercare's coverage, the organizations report): a section, a
/// measure and a value, with the denominator and the percentage when the value is a share. Every
/// report writes them one way as CSV: `section,measure,value,whole,percent`.
public struct ReportLine: Sendable, Hashable {
    public var section: String
    public var measure: String
    public var value: Int
    /// The denominator, when the value is a part of something.
    public var whole: Int?
    public var percent: Percentage?

    public init(section: String, measure: String, value: Int, whole: Int? = nil, percent: Percentage? = nil) {
        self.section = section
        self.measure = measure
        self.value = value
        self.whole = whole
        self.percent = percent
    }

    /// A share: `value` of `whole`, with its percentage (one decimal, half up).
    public init(_ section: String, _ measure: String, _ value: Int, of whole: Int? = nil) {
        self.init(section: section, measure: measure, value: value, whole: whole, percent: whole.map { Percentage(value, of: $0) })
    }

    /// The CSV's header line, ended.
    public static let csvHeader = "section,measure,value,whole,percent\n"

    /// The line as a CSV record, ended: `whole` and `percent` empty when not a share.
    public var csvRecord: String {
        [section, measure, String(value), whole.map(String.init) ?? "", percent?.description ?? ""].map { CSV.field($0) }.joined(separator: ",") + "\n"
    }
}
