import Foundation
import XCTest

/// Access rules live beside each method in protos/ (`(civic.access.v1.rule)`): generation
/// must fail for a method without one, so no method can reach the gateway undecided.
/// Runs the built `protoc-gen-civic` through Debian's `protoc` (.ci/run installs it).
final class AccessRuleGenerationTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func generate(_ proto: String) throws -> (status: Int32, stderr: String, files: [String], stubs: String) {
        guard let protoc = ["/usr/bin/protoc", "/usr/local/bin/protoc"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("protoc is not installed (apt-get install -y protobuf-compiler libprotobuf-dev)")
        }
        let plugin = Self.root.appendingPathComponent(".build/debug/protoc-gen-civic").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: plugin), "build first: \(plugin)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-gen-\(UUID().uuidString)")
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(proto.utf8).write(to: folder.appendingPathComponent("sample.proto"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: protoc)
        process.arguments = [
            "-I", folder.path, "-I", Self.root.appendingPathComponent("protos").path,
            "--plugin=protoc-gen-civic=\(plugin)", "--civic_out=\(out.path)", "sample.proto",
        ]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stubs = (try? String(contentsOf: out.appendingPathComponent("sample.civic.swift"), encoding: .utf8)) ?? ""
        return (process.terminationStatus, stderr, (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [], stubs)
    }

    private let header = """
        syntax = "proto3";
        package sample.v1;
        import "civic/access/v1/access.proto";
        message Ping {}

        """

    func testAMethodWithoutARuleFailsGeneration() throws {
        let result = try generate(
            header + """
                service SampleService {
                  rpc Declared(Ping) returns (Ping) { option (civic.access.v1.rule) = {roles: [STAFF]}; }
                  rpc Undecided(Ping) returns (Ping);
                }
                """)
        XCTAssertNotEqual(result.status, 0, "generation should fail")
        XCTAssertTrue(result.stderr.contains("/sample.v1.SampleService/Undecided has no access rule"), result.stderr)
    }

    func testDeclaredRulesAreGeneratedIntoTheMethodTable() throws {
        let result = try generate(
            header + """
                service SampleService {
                  option (civic.access.v1.key_scope) = "sample";
                  rpc Read(Ping) returns (Ping) { option (civic.access.v1.rule) = {roles: [STAFF, DEPUTY], limits: [OWN_UNIT, OWN_RECORDS]}; }
                  rpc Manage(Ping) returns (Ping) { option (civic.access.v1.rule) = {}; }
                }
                """)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.files.contains("CivicServiceRegistry.civic.swift"), "\(result.files)")
        XCTAssertTrue(
            result.stubs.contains(#"access: MethodAccess(roles: [.staff, .deputy], limits: [.ownUnit, .ownRecords], keyScope: "sample"))"#), result.stubs)
        XCTAssertTrue(result.stubs.contains(#"access: MethodAccess(roles: [], limits: [], keyScope: "sample"))"#), result.stubs)
    }
}
