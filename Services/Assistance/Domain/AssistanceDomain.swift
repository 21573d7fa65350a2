import CivicDomain

/// The social assistance domain (社会救助): its rules as pure Swift over plain values — state machines,
/// calculators, validators — with no RPC, NIO or GRDB (the build's explicit-import check
/// refuses them). Rules throw `DomainError`; handlers never hold rules
/// (docs/ADDING-A-SERVICE.md). Filled in by the service's own issue.
public enum AssistanceRules {}
