import CivicDomain
import OrganizationsDomain
import Testing

@Suite("Names: normalization, parts, rules and similarity")
struct NamesTests {
    typealias S = OrgSamples

    /// The bureau's divisions table (安阳 and its counties), as configured.
    static let divisions = DivisionNames(["河南省", "安阳市", "文峰区", "北关区", "殷都区", "龙安区", "安阳县", "汤阴县", "内黄县", "滑县", "林州市"])
    static let parser = NameParser(divisions: divisions)

    enum Kind: String, Hashable, Sendable {
        case registered, illegal
    }

    static func index(_ entries: [(String, String, Kind)]) -> NameIndex<Kind> {
        var index = NameIndex<Kind>(parser: parser)
        for (id, name, kind) in entries { index.add(id: id, name: name, tag: kind) }
        return index
    }

    /// Matches as "kind id".
    static func found(_ index: NameIndex<Kind>, _ name: String, limit: Int = 20) -> [String] {
        index.query(name, limit: limit).map { "\($0.kind.rawValue) \($0.id)" }
    }

    // MARK: - Normalization

    @Test func normalizationFoldsWidthSpacesPunctuationAndCase() {
        #expect(NameNormalizer.normalize("中国　室内 装饰（协会）") == "中国室内装饰协会")
        #expect(NameNormalizer.normalize("安阳市ＡＢＣ１２３协会") == "安阳市ABC123协会")
        #expect(NameNormalizer.normalize("abc·def・g\u{200B}h\t\n") == "ABCDEFGH")
        #expect(NameNormalizer.normalize("【安阳】《书法》—协会、。") == "安阳书法协会")
        #expect(NameNormalizer.normalize("") == "")
        #expect(NameNormalizer.scalars("Ａ 书") == [0x41, 0x4E66])
    }

    // MARK: - Parts

    func parts(_ name: String) -> [String] {
        let p = Self.parser.parts(of: name)
        return [p.division, p.scope, p.isNational ? "national" : "local", p.tradeNameAndField, p.form, p.formTypes.map(\.rawValue).joined(separator: ",")]
    }

    @Test func partsOfConfiguredDivisions() {
        #expect(parts("安阳市文峰区书法协会") == ["安阳市文峰区", "文峰区", "local", "书法", "协会", "social_group"])
        #expect(Self.parser.parts(of: "安阳市文峰区书法协会").core == "书法协会")
        #expect(parts("河南省 安阳市 书法协会") == ["河南省安阳市", "安阳市", "local", "书法", "协会", "social_group"])
        // The short form of a 市 or 省 name, placed in the full one; not before a division suffix.
        #expect(parts("安阳书法协会") == ["安阳", "安阳市", "local", "书法", "协会", "social_group"])
        #expect(parts("安阳县书法协会") == ["安阳县", "安阳县", "local", "书法", "协会", "social_group"])
        #expect(parts("滑县老年体育协会") == ["滑县", "滑县", "local", "老年体育", "协会", "social_group"])
        // 市场 is no division: 安阳市 is not set aside from 安阳市场营销协会.
        #expect(parts("安阳市场营销协会") == ["", "", "local", "安阳市场营销", "协会", "social_group"])
        #expect(parts("安阳市市场营销协会") == ["安阳市", "安阳市", "local", "市场营销", "协会", "social_group"])
    }

    @Test func partsOfNationalNames() {
        #expect(parts("中国室内装饰协会") == ["中国", "", "national", "室内装饰", "协会", "social_group"])
        #expect(parts("中华全国工商业联合会") == ["中华全国", "", "national", "工商业", "联合会", "social_group"])
        #expect(parts("中国老区建设促进会") == ["中国", "", "national", "老区建设", "促进会", "social_group"])
        #expect(parts("中国城市规划协会") == ["中国", "", "national", "城市规划", "协会", "social_group"])
    }

    /// Unlisted divisions by their suffix; words that only look like one are kept.
    @Test func partsOfUnlistedDivisions() {
        #expect(parts("洛阳市涧西区书法协会") == ["洛阳市涧西区", "涧西区", "local", "书法", "协会", "social_group"])
        #expect(parts("洛阳市老城区书法协会") == ["洛阳市老城区", "老城区", "local", "书法", "协会", "social_group"])
        #expect(parts("广西壮族自治区书法协会") == ["广西壮族自治区", "广西壮族自治区", "local", "书法", "协会", "social_group"])
        #expect(parts("延边朝鲜族自治州书法协会") == ["延边朝鲜族自治州", "延边朝鲜族自治州", "local", "书法", "协会", "social_group"])
        #expect(parts("涉县书法协会") == ["涉县", "涉县", "local", "书法", "协会", "social_group"])
        #expect(parts("城乡社区服务协会") == ["", "", "local", "城乡社区服务", "协会", "social_group"])
        #expect(parts("自然保护区协会") == ["", "", "local", "自然保护区", "协会", "social_group"])
        #expect(parts("农贸市场协会") == ["", "", "local", "农贸市场", "协会", "social_group"])
        // Without the generic pattern only configured names are set aside.
        let strict = NameParser(divisions: DivisionNames(["安阳市"], genericPattern: false))
        #expect(strict.parts(of: "洛阳市书法协会").division == "")
        #expect(strict.parts(of: "安阳市书法协会").division == "安阳市")
    }

    @Test func formsLongestFirst() {
        #expect(parts("安阳市育才培训学校") == ["安阳市", "安阳市", "local", "育才", "培训学校", "private_non_enterprise"])
        #expect(parts("安阳市文峰区慈善基金会") == ["安阳市文峰区", "文峰区", "local", "慈善", "基金会", "foundation"])
        #expect(Self.parser.parts(of: "中国青少年发展基金会").form == "基金会")
        #expect(parts("安阳市工商业联合会")[3...4] == ["工商业", "联合会"])
        #expect(parts("安阳市书法沙龙") == ["安阳市", "安阳市", "local", "书法沙龙", "", ""])
        let custom = NameParser(divisions: Self.divisions, forms: OrganizationForms(socialGroup: ["协会", "沙龙"]))
        #expect(custom.parts(of: "安阳市书法沙龙").form == "沙龙")
        #expect(OrganizationForms.standard.forms(for: .foundation) == ["基金会"])
    }

    // MARK: - Rules

    func rules(
        _ name: String, _ type: OrganizationType = .socialGroup, level: RegistrarLevel = .county, divisions: [String] = ["安阳市文峰区"],
        permitted: [String] = []
    ) -> [String] {
        S.list(NameRules.problems(name: name, type: type, registrarLevel: level, registrarDivisionNames: divisions, permittedTerms: permitted))
    }

    @Test func aWellFormedNamePasses() {
        #expect(rules("安阳市文峰区书法协会").isEmpty)
        #expect(rules(" 安阳市文峰区书法协会 ").isEmpty)
        #expect(rules("安阳市文峰区育才培训学校", .privateNonEnterprise).isEmpty)
        #expect(rules("安阳市文峰区助学基金会", .foundation).isEmpty)
        #expect(rules("中国书法协会", level: .national, divisions: []).isEmpty)
        // 中国 inside a name is no prefix (中国画).
        #expect(rules("安阳市文峰区中国画研究会").isEmpty)
        #expect(rules("安阳市文峰区邯郸（永年）商会").isEmpty)
    }

    @Test func eachReason() {
        #expect(rules("  ") == ["name REQUIRED"])
        #expect(rules("安阳市文峰区" + String(repeating: "书", count: 45) + "协会") == ["name TOO_LONG"])
        #expect(rules("安阳市文峰区ABC书法协会") == ["name BAD_CHARACTERS"])
        #expect(rules("安阳市文峰区第1书法协会") == ["name BAD_CHARACTERS"])
        #expect(rules("安阳市文峰区第１书法协会") == ["name BAD_CHARACTERS"])
        #expect(rules("安阳市文峰区 书法协会") == ["name BAD_CHARACTERS"])
        #expect(rules("安阳市文峰区YMCA协会", permitted: ["YMCA"]).isEmpty)
        #expect(rules("中国书法协会", level: .provincial, divisions: ["河南省"]) == ["name NATIONAL_PREFIX", "name NO_DIVISION"])
        #expect(rules("全国书法协会", divisions: []) == ["name NATIONAL_PREFIX"])
        #expect(rules("中华书法协会", level: .national, divisions: []).isEmpty)
        #expect(rules("新乡市书法协会") == ["name NO_DIVISION"])
        #expect(rules("书法协会") == ["name NO_DIVISION"])
        #expect(rules("书法协会", divisions: []).isEmpty)
        #expect(rules("安阳市书法协会", divisions: ["安阳市文峰区", "文峰区"]) == ["name NO_DIVISION"])
        #expect(rules("文峰区书法协会", divisions: ["安阳市文峰区", "文峰区"]).isEmpty)
        #expect(rules("安阳市文峰区助学协会", .foundation) == ["name NO_FORM"])
        #expect(rules("安阳市文峰区书法中心") == ["name NO_FORM"])
        #expect(rules("安阳市文峰区书法协会", .privateNonEnterprise) == ["name NO_FORM"])
        #expect(rules("安阳市文峰区协会") == ["name NO_FIELD"])
        #expect(rules("中国基金会", .foundation, level: .national, divisions: []) == ["name NO_FIELD"])
    }

    @Test func everyReasonAtOnce() {
        #expect(rules("中国 ABC沙龙") == ["name BAD_CHARACTERS", "name NATIONAL_PREFIX", "name NO_DIVISION", "name NO_FORM"])
        let errors = NameRules.problems(
            name: "中国书法", type: .socialGroup, registrarLevel: .county, registrarDivisionNames: ["安阳市文峰区"], field: "proposed_name")
        #expect(S.list(errors) == ["proposed_name NATIONAL_PREFIX", "proposed_name NO_DIVISION", "proposed_name NO_FORM"])
    }

    @Test func conflictsFromMatches() {
        let index = Self.index([("O1", "安阳市文峰区书法协会", .registered), ("O2", "安阳市文峰区书画协会", .registered)])
        let errors = NameRules.conflicts(index.query("文峰区书法协会"))
        #expect(S.list(errors) == ["name NAME_TAKEN", "name SIMILAR_NAME"])
        #expect(errors.details[0].description == "安阳市文峰区书法协会 (O1) already has this name")
        #expect(errors.details[1].description == "the name is similar to 安阳市文峰区书画协会 (O2)")
        #expect(NameRules.conflicts(index.query("安阳市文峰区围棋协会")).isEmpty)
    }

    // MARK: - Similarity

    static let register: [(String, String, Kind)] = [
        ("R1", "中国室内装饰协会", .registered),
        ("R2", "中国硬笔书法协会", .registered),
        ("R3", "安阳市文峰区书法协会", .registered),
        ("R4", "安阳市育才培训学校", .registered),
        ("R5", "洛阳市书法协会", .registered),
        ("R6", "安阳市文峰区慈善基金会", .registered),
        ("I1", "中华国学研究院", .illegal),
    ]

    /// The mimic names RULES.md §3(b) quotes from 民政部's lists.
    @Test func mimicNamesAreFound() {
        let index = Self.index(Self.register)
        #expect(Self.found(index, "中国室内装修协会") == ["one_character_off R1"])
        #expect(Self.found(index, "中国现代硬笔书法研究会") == ["same_field R2"])
        // And the other way round: a registration checked against the illegal list.
        var withIllegal = index
        withIllegal.add(id: "I2", name: "中国现代硬笔书法研究会", tag: .illegal)
        #expect(Self.found(withIllegal, "中国硬笔书法协会") == ["exact R2", "same_field I2"])
        #expect(Self.found(withIllegal, "中国国学研究院") == ["same_core I1"])
    }

    @Test func normalizedAndDivisionSpellings() {
        let index = Self.index(Self.register)
        #expect(Self.found(index, " 中国　室内装饰（协会） ") == ["exact R1"])
        #expect(Self.found(index, "中国室内装饰协会") == ["exact R1"])
        #expect(Self.found(index, "中华室内装饰协会") == ["same_core R1"])
        #expect(Self.found(index, "室内装饰协会") == ["same_core R1"])
        #expect(Self.found(index, "文峰区书法协会") == ["same_core R3"])
        #expect(Self.found(index, "河南省安阳市文峰区书法协会") == ["same_core R3"])
        #expect(Self.found(index, "安阳市文峰区书法研究会") == ["same_field R3"])
        #expect(Self.found(index, "安阳市文峰区老年书法协会") == ["same_field R3"])
        #expect(Self.found(index, "安阳市文峰区慈善基金") == ["one_character_off R6"])
        #expect(Self.found(index, "安阳市文峰区慈善基金会") == ["exact R6"])
    }

    /// Different places, different peers, distance 2: nothing.
    @Test func trueNegatives() {
        let index = Self.index(Self.register)
        #expect(Self.found(index, "安阳市书法协会") == [])
        #expect(Self.found(index, "新乡市书法协会") == [])
        #expect(Self.found(index, "中国老年书法研究会") == [])
        #expect(Self.found(index, "中国青少年体育联合会") == [])
        #expect(Self.found(index, "安阳市博文培训学校") == [])
        #expect(Self.found(index, "安阳市英才培训学校") == ["one_character_off R4"])
        #expect(Self.found(index, "") == [])
        #expect(Self.found(index, "　") == [])
    }

    @Test func editDistanceBoundary() {
        let index = Self.index(Self.register)
        // One substitution, one insertion, one deletion: flagged.
        #expect(Self.found(index, "中国室内装潢协会") == ["one_character_off R1"])
        #expect(Self.found(index, "中国室内装饰学协会") == ["one_character_off R1"])
        #expect(Self.found(index, "中国室装饰协会") == ["one_character_off R1"])
        // Two substitutions, a swap, two insertions: distance 2, not flagged.
        #expect(Self.found(index, "中国室内设计协会") == [])
        #expect(Self.found(index, "中国内室装饰协会") == [])
        #expect(Self.found(index, "中国室内外部装饰协会") == [])
    }

    @Test func removalAndReplacement() {
        var index = Self.index(Self.register)
        #expect(index.count == 7)
        let removed = index.remove(id: "R1")
        let again = index.remove(id: "R1")
        #expect(removed)
        #expect(!again)
        #expect(!index.contains(id: "R1"))
        #expect(index.count == 6)
        #expect(Self.found(index, "中国室内装修协会") == [])
        // Re-adding an id replaces its name.
        index.add(id: "R3", name: "安阳市文峰区围棋协会", tag: .registered)
        #expect(index.count == 6)
        #expect(Self.found(index, "安阳市文峰区书法协会") == [])
        #expect(Self.found(index, "安阳市文峰区围棋协会") == ["exact R3"])
        index.add(id: "R1", name: "中国室内装饰协会", tag: .registered)
        #expect(Self.found(index, "中国室内装修协会") == ["one_character_off R1"])
    }

    @Test func tagsFilterAndTravel() {
        let index = Self.index(Self.register + [("I2", "中国室内装修协会", .illegal)])
        let all = index.query("中国室内装修协会")
        #expect(all.map(\.id) == ["I2", "R1"])
        #expect(all.map(\.tag) == [.illegal, .registered])
        #expect(all[1].name == "中国室内装饰协会")
        #expect(index.query("中国室内装修协会", including: { $0 == .registered }).map(\.id) == ["R1"])
        #expect(index.query("中国室内装修协会", limit: 0).isEmpty)
    }

    /// Kind first, then the normalized name, then the id; the same whatever the order of adding.
    @Test func deterministicOrder() {
        let entries: [(String, String, Kind)] = [
            ("F", "中国现代书法协会", .registered), ("B", "中华书法协会", .registered), ("D", "中国书画协会", .registered),
            ("A2", "中国 书法协会", .illegal), ("E", "中国书法研究会", .registered), ("C", "中国书法学会", .registered),
            ("A1", "中国书法协会", .registered), ("X", "中国围棋协会", .registered),
        ]
        let expected = [
            "exact A1", "exact A2", "same_core B", "one_character_off C", "one_character_off D", "same_field E", "same_field F",
        ]
        #expect(Self.found(Self.index(entries), "中国书法协会") == expected)
        #expect(Self.found(Self.index(entries.reversed()), "中国书法协会") == expected)
        var bulk = NameIndex<Kind>(parser: Self.parser)
        bulk.add(contentsOf: entries.map { (id: $0.0, name: $0.1, tag: $0.2) })
        #expect(Self.found(bulk, "中国书法协会") == expected)
        #expect(Self.found(bulk, "中国书法协会", limit: 3) == Array(expected.prefix(3)))
    }

    /// No timing here (benchmarks measure speed): 20,000 generated names, added one by one (several
    /// merges of the pending table) and in bulk, answer alike.
    @Test func aGeneratedRegisterOfTwentyThousand() {
        let places = ["安阳市", "新乡市", "鹤壁市", "濮阳市", "焦作市", "开封市", "洛阳市", "商丘市", "周口市", "许昌市"]
        let pool = Array("文史书画棋琴茶诗乐舞花鸟摄影武术健身农林牧渔科技教育医药卫生环保")
        let forms = ["协会", "研究会", "促进会", "联合会"]
        var entries: [(id: String, name: String, tag: Kind)] = []
        outer: for place in places {
            for a in pool {
                for b in pool where b != a {
                    for form in forms {
                        if entries.count == 20_000 { break outer }
                        entries.append((id: "G\(entries.count + 1)", name: "\(place)\(a)\(b)\(form)", tag: .registered))
                    }
                }
            }
        }
        #expect(entries.count == 20_000)
        func id(_ name: String) -> String { entries.first { $0.name == name }!.id }
        var incremental = NameIndex<Kind>(parser: Self.parser)
        for entry in entries { incremental.add(id: entry.id, name: entry.name, tag: entry.tag) }
        var bulk = NameIndex<Kind>(parser: Self.parser)
        bulk.add(contentsOf: entries)
        #expect(incremental.count == 20_000)
        #expect(bulk.count == 20_000)
        for query in ["安阳市书画协会", "新乡市书画研究会", "焦作市文史促进会", "许昌市书画学会", "安阳市文峰区书画协会", "中国书画协会"] {
            #expect(Self.found(incremental, query, limit: 500) == Self.found(bulk, query, limit: 500))
        }
        let hits = Self.found(bulk, "安阳市书画协会", limit: 500)
        #expect(hits.first == "exact \(id("安阳市书画协会"))")
        #expect(hits.contains("one_character_off \(id("安阳市书文协会"))"))
        #expect(hits.contains("one_character_off \(id("安阳市琴画协会"))"))
        #expect(hits.contains("same_field \(id("安阳市书画研究会"))"))
        #expect(!hits.contains("one_character_off \(id("安阳市琴诗协会"))"))
        #expect(bulk.query("安阳市书画协会", limit: 500).allSatisfy { $0.name.hasPrefix("安阳市") })
        #expect(Self.found(bulk, "安阳市书画协会", limit: 5).count == 5)
        // A place with no names answers nothing; removing a hit drops it.
        #expect(Self.found(bulk, "南阳市书画协会") == [])
        let removed = bulk.remove(id: id("安阳市书画协会"))
        #expect(removed)
        #expect(!Self.found(bulk, "安阳市书画协会").contains { $0.hasPrefix("exact") })
    }
}
