import CivicDomain

/// The social assistance domain (社会救助): its rules as pure Swift over plain values — state machines,
/// calculators, validators — with no RPC, NIO or GRDB (the build's explicit-import check
/// refuses them). Rules throw `DomainError`; handlers never hold rules
/// (docs/ADDING-A-SERVICE.md).
///
/// What is here so far (issue 10, parts 2 and 3): dated standards per division and urban/rural
/// (`StandardTable`, `StandardVersion`), and the computations, each result carrying its formula
/// with the numbers filled in and the standard version it used: 低保 补差
/// (`MinimumLivingBenefit`), self-care from six ADL items (`SelfCareAssessment`), 特困 供养
/// (`DestituteSupport`), 临时救助 (`TemporaryAssistance`), 两项补贴 (`DisabilitySubsidies`) and the
/// 低收入 categories (`LowIncome`). Money is integer fen throughout; a decimal factor rounds once,
/// half-up, at the last step (RULES.md §0.4). Part 4: the application workflow
/// (`ApplicationWorkflow`: apply → accept → investigate → township → 公示 → decide, 临时救助's
/// pay-first path, maker-checker) and its clocks (`ApplicationClock`: 30/45 working days,
/// 公示 7 calendar days, the rejection notice within 3 working days, first payment month).
public enum AssistanceRules {}
