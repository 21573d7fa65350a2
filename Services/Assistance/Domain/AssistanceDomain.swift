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
/// half-up, at the last step (RULES.md §0.4).
public enum AssistanceRules {}
