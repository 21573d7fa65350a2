import CivicDomain

/// The eldercare domain (养老服务): its rules as pure Swift over plain values — state machines,
/// calculators, validators — with no RPC, NIO or GRDB (the build's explicit-import check
/// refuses them). Rules throw `DomainError` or return `ValidationErrors`; handlers never hold rules
/// (docs/ADDING-A-SERVICE.md). RULES.md §2 is the source of every default.
///
/// The register: `Institution` (`InstitutionRules`, the 10-bed rule, status moves, operator history),
/// `CommunityFacility` (`FacilityRules`, usage and the idle rule), `DivisionTable` (the units coverage
/// counts over) and `InstitutionImport` (bulk CSV, all or nothing). 备案 and residents: `FilingClock`,
/// `Resident` (`ResidentRules`). Grading (GB/T 37276): `GradingConfiguration`, `GradingRules`,
/// `GradeApplication`. Reports: `DivisionReport`. Supervision: the checklist tree, 双随机 draws,
/// inspections and findings (Checklist, RandomDraw, Inspections, Findings).
public enum EldercareRules {}
