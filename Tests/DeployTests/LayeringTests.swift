import Foundation
import XCTest

/// A backstop for the build's explicit-import check: the domain targets (Shared/Domain and
/// every Services/<Name>/Domain) import Foundation and CivicDomain only — no RPC, NIO,
/// GRDB or generated protobuf code — so rules stay plain Swift a newcomer can test alone.
final class LayeringTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testDomainTargetsImportOnlyFoundationAndCivicDomain() throws {
        let services = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Services").path)
        let folders =
            ["Shared/Domain"]
            + services.map { "Services/\($0)/Domain" }.filter {
                FileManager.default.fileExists(atPath: Self.root.appendingPathComponent($0).path)
            }
        XCTAssertGreaterThanOrEqual(folders.count, 6, "Shared/Domain and the five services' Domain folders: \(folders)")
        var checked = 0
        for folder in folders {
            let url = Self.root.appendingPathComponent(folder)
            for file in try FileManager.default.contentsOfDirectory(atPath: url.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: url.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ").map(String.init)
                    guard let index = words.firstIndex(of: "import"), words[..<index].allSatisfy({ $0.hasPrefix("@") }), index + 1 < words.count else {
                        continue
                    }
                    let module = words[index + 1]
                    let allowed: Set<String> = folder == "Shared/Domain" ? ["Foundation"] : ["Foundation", "CivicDomain"]
                    XCTAssertTrue(allowed.contains(module), "\(folder)/\(file) imports \(module)")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }
}
