import CivicRPC
import Foundation
import Testing

@Suite("Gateway seal")
struct GatewaySealTests {
    let seal = try! GatewaySeal(secret: String(repeating: "k", count: 32))
    let method = "/civic.proposals.v1.ProposalService/ListItems"
    let now: Int64 = 1_795_594_800_000
    let deputy = Principal(id: "k_deputy", roles: [.deputy], subject: "NPC-1").encoded
    let admin = Principal(id: "k_admin", roles: [.admin]).encoded

    func stamped(requestID: String, principal: String, payload: Data) -> [String: String] {
        var metadata = [MetadataKey.requestID: requestID]
        seal.stamp(&metadata, method: method, encodedPrincipal: principal, payload: payload, now: now)
        return metadata
    }

    @Test func aSealChecksOutOnlyForWhatWasSealed() {
        let payload = Data([1, 2, 3])
        let metadata = stamped(requestID: "r-1", principal: deputy, payload: payload)
        #expect(seal.verify(method: method, metadata: metadata, payload: payload, now: now) == .valid)
        #expect(seal.verify(method: method, metadata: metadata, payload: Data([1, 2, 4]), now: now) == .invalid)
        #expect(seal.verify(method: "/civic.proposals.v1.ProposalService/GetItem", metadata: metadata, payload: payload, now: now) == .invalid)
        var other = metadata
        other[MetadataKey.requestID] = "r-2"
        #expect(seal.verify(method: method, metadata: other, payload: payload, now: now) == .invalid)
        // Five minutes either way, then expired.
        #expect(seal.verify(method: method, metadata: metadata, payload: payload, now: now + 300_000) == .valid)
        #expect(seal.verify(method: method, metadata: metadata, payload: payload, now: now + 300_001) == .expired)
        #expect(seal.verify(method: method, metadata: metadata, payload: payload, now: now - 300_001) == .expired)
    }

    /// Fields joined by newlines alone would let a request id carry a principal and a time
    /// of the caller's choosing, with the rest shifted into the payload. Lengths stop that.
    @Test func noFieldCanBorrowBytesFromTheNext() {
        let original = Data("payload".utf8)
        let smuggled = "r\n\(admin)\n\(now)"
        let metadata = stamped(requestID: smuggled, principal: deputy, payload: original)
        var forged = metadata
        forged[MetadataKey.requestID] = "r"
        forged[MetadataKey.principal] = admin
        forged[MetadataKey.sealedAt] = String(now)
        let shifted = Data("\(deputy)\n\(now)\n".utf8) + original
        #expect(seal.verify(method: method, metadata: forged, payload: shifted, now: now) == .invalid)
    }

    /// A time far from now with a seal that checks out over it: the clock comparison must
    /// not overflow (the gateway never writes such a time; a forger with the key could).
    @Test(arguments: [Int64.min, Int64.max, -1])
    func anExtremeTimeSealedCorrectlyIsRefusedNotACrash(_ sealedAt: Int64) {
        var metadata = [MetadataKey.requestID: "r"]
        seal.stamp(&metadata, method: method, encodedPrincipal: deputy, payload: Data(), now: sealedAt)
        #expect(metadata[MetadataKey.sealedAt] == String(sealedAt))
        #expect(seal.verify(method: method, metadata: metadata, payload: Data(), now: now) != .valid)
    }

    @Test(arguments: ["", "-1", "+1795594800000", " 1795594800000", "17955948000001234", "1e12", "-9223372036854775808"])
    func aMalformedTimeIsInvalidNotACrash(_ sealedAt: String) {
        var metadata = stamped(requestID: "r", principal: deputy, payload: Data())
        metadata[MetadataKey.sealedAt] = sealedAt
        #expect(seal.verify(method: method, metadata: metadata, payload: Data(), now: now) == .invalid)
    }
}
