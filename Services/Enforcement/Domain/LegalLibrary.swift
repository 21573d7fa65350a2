import CivicDomain
import Foundation

/// The legal-basis library (执法依据库) with its discretion benchmarks (裁量基准), as data: one JSON
/// file per regulation (deploy/enforcement/legal-basis/, docs/ENFORCEMENT.md §8). Loaded once at
/// start; every problem in every file is refused at once, naming the file and the entry, so a
/// service never starts on a benchmark that breaks its statute.
public struct LegalLibrary: Sendable {
    /// A regulation as its file describes it.
    public struct Regulation: Sendable, Hashable {
        /// "社会团体登记管理条例".
        public var name: String
        /// "国务院令第250号，2016年2月6日修订".
        public var issuedBy: String
        public var effectiveOn: CivilDate
        /// The file it came from.
        public var file: String
        public var codes: [String]
    }

    public private(set) var regulations: [Regulation] = []
    private var bases: [String: LegalBasis] = [:]
    /// Per violation code, ascending by version.
    private var benchmarks: [String: [DiscretionBenchmark]] = [:]

    public init() {}

    public var isEmpty: Bool { bases.isEmpty }
    public var codes: [String] { bases.keys.sorted() }

    public func basis(_ code: String) -> LegalBasis? { bases[code] }

    /// Every published version of the code's benchmark, oldest first.
    public func benchmarks(for code: String) -> [DiscretionBenchmark] { benchmarks[code] ?? [] }

    /// The benchmark in force on `day`: the latest version published on or before it.
    public func benchmark(for code: String, on day: CivilDate) -> DiscretionBenchmark? {
        benchmarks[code]?.last { $0.publishedOn <= day }
    }

    /// Assesses one act under the codes given (行政处罚法 §29: the norm with the higher fine), each
    /// with the benchmark in force on `day`. NOT_FOUND for an unknown code; FAILED_PRECONDITION
    /// "violation_codes" NO_BENCHMARK when none was published by then; as PenaltyCalculator otherwise.
    public func assess(_ facts: ViolationFacts, codes: [String], on day: CivilDate) throws -> PenaltyAssessment {
        let norms = try codes.map { code -> (basis: LegalBasis, benchmark: DiscretionBenchmark) in
            guard let basis = bases[code] else { throw DomainError.notFound("no violation \(code) in the legal-basis library") }
            guard let benchmark = benchmark(for: code, on: day) else {
                throw DomainError(
                    .failedPrecondition, "no discretion benchmark for \(code) was published by \(day)",
                    problems: [FieldProblem(field: "violation_codes", reason: "NO_BENCHMARK", description: "\(code) has no benchmark in force on \(day)")])
            }
            return (basis, benchmark)
        }
        return try PenaltyCalculator.assessOneAct(facts, under: norms)
    }

    /// Loads the regulations in `files` (name, contents). INVALID with every problem, each field
    /// named "file.json: bases[i]…": BAD_JSON, REQUIRED, UNKNOWN (a penalty type or fine base),
    /// BAD_DATE, DUPLICATE (a code in two places, or a version twice), NOT_ASCENDING (versions whose
    /// dates go back), and every DiscretionBenchmark.problems(against:).
    public static func load(files: [(name: String, contents: Data)]) throws -> LegalLibrary {
        var library = LegalLibrary()
        var errors = ValidationErrors()
        for (name, contents) in files.sorted(by: { $0.name < $1.name }) {
            let file: RegulationFile
            do {
                file = try JSONDecoder().decode(RegulationFile.self, from: contents)
            } catch {
                errors.add(name, "BAD_JSON", "\(name) is not a regulation file: \(error)")
                continue
            }
            library.add(file, name: name, errors: &errors)
        }
        try errors.check()
        return library
    }

    /// Loads every `.json` file in `directory`. INVALID "directory" NOT_FOUND / EMPTY.
    public static func load(directory: URL) throws -> LegalLibrary {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        } catch {
            throw DomainError.invalid("cannot read the legal-basis library \(directory.path): \(error)", field: "directory", reason: "NOT_FOUND")
        }
        if names.isEmpty { throw DomainError.invalid("\(directory.path) holds no .json regulation file", field: "directory", reason: "EMPTY") }
        return try load(files: names.map { ($0, try Data(contentsOf: directory.appendingPathComponent($0))) })
    }

    private mutating func add(_ file: RegulationFile, name: String, errors: inout ValidationErrors) {
        var problems = ValidationErrors()
        if file.regulation.allSatisfy(\.isWhitespace) { problems.add("regulation", "REQUIRED", "the regulation's name") }
        let effective = CivilDate(file.effectiveOn)
        if effective == nil { problems.add("effective_on", "BAD_DATE", "\(file.effectiveOn) is not a date") }
        var codes: [String] = []
        for (i, entry) in file.bases.enumerated() {
            var entryProblems = ValidationErrors()
            guard let basis = entry.basis(law: file.regulation, errors: &entryProblems) else {
                problems.add(contentsOf: entryProblems.prefixed("bases[\(i)]."))
                continue
            }
            if bases[basis.code] != nil || codes.contains(basis.code) {
                entryProblems.add("code", "DUPLICATE", "\(basis.code) is in the library twice")
            }
            var versions: [DiscretionBenchmark] = []
            for (j, raw) in entry.benchmarks.enumerated() {
                var benchmarkProblems = ValidationErrors()
                if let benchmark = raw.benchmark(code: basis.code, errors: &benchmarkProblems) {
                    benchmarkProblems.add(contentsOf: benchmark.problems(against: basis))
                    if let last = versions.last {
                        if benchmark.version <= last.version { benchmarkProblems.add("version", "DUPLICATE", "versions rise: \(last.version) came before") }
                        if benchmark.publishedOn < last.publishedOn {
                            benchmarkProblems.add("published_on", "NOT_ASCENDING", "version \(last.version) was published on \(last.publishedOn)")
                        }
                    }
                    if benchmarkProblems.isEmpty { versions.append(benchmark) }
                }
                entryProblems.add(contentsOf: benchmarkProblems.prefixed("benchmarks[\(j)]."))
            }
            problems.add(contentsOf: entryProblems.prefixed("bases[\(i)]."))
            if entryProblems.isEmpty {
                bases[basis.code] = basis
                benchmarks[basis.code] = versions
                codes.append(basis.code)
            }
        }
        errors.add(contentsOf: problems.prefixed("\(name): "))
        if problems.isEmpty, let effective {
            regulations.append(Regulation(name: file.regulation, issuedBy: file.issuedBy, effectiveOn: effective, file: name, codes: codes))
        }
    }
}

// MARK: The file's shape (snake_case JSON; amounts in 元, multiples as decimals: 1.5 is 1.5×)

struct RegulationFile: Decodable {
    var regulation: String
    var issuedBy: String
    var effectiveOn: String
    var bases: [Entry]

    enum CodingKeys: String, CodingKey {
        case regulation, bases
        case issuedBy = "issued_by"
        case effectiveOn = "effective_on"
    }

    struct Fine: Decodable {
        /// fixed / turnover / gains / amount_obtained.
        var base: String
        /// For fixed: [minimum, maximum] in 元.
        var yuan: [Int]?
        /// For a multiple: [minimum, maximum] times the base.
        var times: [Double]?

        func rule(errors: inout ValidationErrors) -> FineRule? {
            guard let kind = FineBase(rawValue: base) else {
                errors.add("base", "UNKNOWN", "\(base) is none of \(FineBase.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            if kind == .fixed {
                guard let yuan, yuan.count == 2 else {
                    errors.add("yuan", "REQUIRED", "a fixed fine gives [minimum, maximum] in 元")
                    return nil
                }
                return .fixed(.yuan(yuan[0]), .yuan(yuan[1]))
            }
            guard let times, times.count == 2 else {
                errors.add("times", "REQUIRED", "a multiple gives [minimum, maximum] times the base")
                return nil
            }
            return .times(kind, Int((times[0] * 10).rounded()), Int((times[1] * 10).rounded()))
        }
    }

    static func penalties(_ names: [String], errors: inout ValidationErrors) -> Set<PenaltyType> {
        var set = Set<PenaltyType>()
        for name in names {
            if let penalty = PenaltyType(rawValue: name) {
                set.insert(penalty)
            } else {
                errors.add("penalties", "UNKNOWN", "\(name) is none of \(PenaltyType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        return set
    }

    static func fines(_ raw: [Fine], errors: inout ValidationErrors) -> [FineRule] {
        raw.enumerated().compactMap { i, fine in
            var problems = ValidationErrors()
            let rule = fine.rule(errors: &problems)
            errors.add(contentsOf: problems.prefixed("fines[\(i)]."))
            return rule
        }
    }

    struct Entry: Decodable {
        var code: String
        var article: String
        var violation: String
        var penalties: [String]
        var fines: [Fine]?
        var benchmarks: [Benchmark]

        func basis(law: String, errors: inout ValidationErrors) -> LegalBasis? {
            if code.allSatisfy(\.isWhitespace) { errors.add("code", "REQUIRED", "a violation code") }
            if article.allSatisfy(\.isWhitespace) { errors.add("article", "REQUIRED", "the article") }
            if violation.allSatisfy(\.isWhitespace) { errors.add("violation", "REQUIRED", "the violation's text") }
            let allowed = RegulationFile.penalties(penalties, errors: &errors)
            let rules = RegulationFile.fines(fines ?? [], errors: &errors)
            if allowed.isEmpty { errors.add("penalties", "REQUIRED", "the penalties the article allows") }
            guard errors.isEmpty else { return nil }
            return LegalBasis(code: code, law: law, article: article, violation: violation, allowedPenalties: allowed, fines: rules)
        }
    }

    struct Benchmark: Decodable {
        var version: Int
        var publishedOn: String
        var legalReviewAboveYuan: Int?
        var firstViolationExemption: Bool
        var tiers: [Tier]

        enum CodingKeys: String, CodingKey {
            case version, tiers
            case publishedOn = "published_on"
            case legalReviewAboveYuan = "legal_review_above_yuan"
            case firstViolationExemption = "first_violation_exemption"
        }

        func benchmark(code: String, errors: inout ValidationErrors) -> DiscretionBenchmark? {
            let published = CivilDate(publishedOn)
            if published == nil { errors.add("published_on", "BAD_DATE", "\(publishedOn) is not a date") }
            let parsed = tiers.enumerated().compactMap { i, tier in
                var problems = ValidationErrors()
                let t = tier.tier(errors: &problems)
                errors.add(contentsOf: problems.prefixed("tiers[\(i)]."))
                return t
            }
            guard errors.isEmpty, let published else { return nil }
            return DiscretionBenchmark(
                violationCode: code, version: version, publishedOn: published, tiers: parsed, legalReviewAbove: legalReviewAboveYuan.map { .yuan($0) },
                firstViolationExemption: firstViolationExemption)
        }
    }

    struct Tier: Decodable {
        var name: String
        var gainsAboveYuan: Int?
        var gainsAtMostYuan: Int?
        var harm: Bool?
        var repeatViolation: Bool?
        var penalties: [String]
        var fines: [Fine]?

        enum CodingKeys: String, CodingKey {
            case name, harm, penalties, fines
            case gainsAboveYuan = "gains_above_yuan"
            case gainsAtMostYuan = "gains_at_most_yuan"
            case repeatViolation = "repeat_violation"
        }

        func tier(errors: inout ValidationErrors) -> DiscretionTier? {
            if name.allSatisfy(\.isWhitespace) { errors.add("name", "REQUIRED", "the tier's name") }
            let set = RegulationFile.penalties(penalties, errors: &errors)
            let rules = RegulationFile.fines(fines ?? [], errors: &errors)
            guard errors.isEmpty else { return nil }
            return DiscretionTier(
                name: name, gainsAbove: gainsAboveYuan.map { .yuan($0) }, gainsAtMost: gainsAtMostYuan.map { .yuan($0) }, harm: harm,
                repeatViolation: repeatViolation, penalties: set, fines: rules)
        }
    }
}
