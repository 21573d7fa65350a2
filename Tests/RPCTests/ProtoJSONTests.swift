import CivicRPC
import Testing

@Suite("Proto JSON names")
struct ProtoJSONTests {
    @Test(arguments: [
        ("new_due", "newDue"),
        ("proposers[0].member_id", "proposers[0].memberId"),
        ("units[1].role", "units[1].role"),
        ("complex_reason", "complexReason"),
        ("page.page_size", "page.pageSize"),
        ("X-Timeout-Ms", "X-Timeout-Ms"),
        ("line 3", "line 3"),
        ("", ""),
    ])
    func detailFieldPathsUseTheJSONNames(_ proto: String, _ json: String) {
        #expect(ProtoJSON.jsonFieldPath(proto) == json)
    }
}
