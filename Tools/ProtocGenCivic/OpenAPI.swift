import Foundation
import SwiftProtobufPluginLibrary

/// Builds the OpenAPI 3 document of the gateway's HTTP face from the proto descriptors:
/// one POST /rpc/<Service>/<Method> per method, a schema per message in canonical JSON
/// form, the error body and the bearer security scheme.
enum OpenAPIDocument {
    static func build(files: [FileDescriptor]) throws -> String {
        var schemas: [String: Any] = [:]
        var paths: [String: Any] = [:]
        var pending: [Descriptor] = []
        var seen = Set<String>()

        func reference(_ message: Descriptor) -> [String: Any] {
            if !seen.contains(message.fullName) {
                seen.insert(message.fullName)
                pending.append(message)
            }
            return ["$ref": "#/components/schemas/\(message.fullName)"]
        }

        func schema(of field: FieldDescriptor) -> [String: Any] {
            if field.isMap, let (_, value) = field.messageType.mapKeyAndValue {
                return ["type": "object", "additionalProperties": scalar(value)]
            }
            let one = scalar(field)
            return field.isRepeated ? ["type": "array", "items": one] : one
        }

        func scalar(_ field: FieldDescriptor) -> [String: Any] {
            switch field.type {
            case .int32, .sint32, .sfixed32: return ["type": "integer", "format": "int32"]
            case .uint32, .fixed32: return ["type": "integer", "format": "int32", "minimum": 0]
            case .int64, .sint64, .sfixed64: return ["type": "string", "format": "int64"]
            case .uint64, .fixed64: return ["type": "string", "format": "uint64"]
            case .double: return ["type": "number", "format": "double"]
            case .float: return ["type": "number", "format": "float"]
            case .bool: return ["type": "boolean"]
            case .string: return ["type": "string"]
            case .bytes: return ["type": "string", "format": "byte"]
            case .enum: return ["type": "string", "enum": field.enumType.values.map(\.name)]
            case .message, .group: return reference(field.messageType)
            }
        }

        for file in files {
            for service in file.services {
                for method in service.methods {
                    let isHealth = service.fullName == "civic.health.v1.Health"
                    var operation: [String: Any] = [
                        "operationId": "\(service.name)_\(method.name)",
                        "tags": [service.fullName],
                        "summary": summary(method.protoSourceComments(commentPrefix: "")) ?? "\(service.name).\(method.name)",
                        "requestBody": [
                            "required": true,
                            "content": ["application/json": ["schema": reference(method.inputType)]],
                        ],
                        "responses": [
                            "200": ["description": "OK", "content": ["application/json": ["schema": reference(method.outputType)]]],
                            "default": ["$ref": "#/components/responses/Error"],
                        ],
                    ]
                    if isHealth { operation["security"] = [] as [Any] }
                    paths["/rpc/\(service.fullName)/\(method.name)"] = ["post": operation]
                }
            }
        }
        while let message = pending.popLast() {
            var properties: [String: Any] = [:]
            for field in message.fields {
                var property = schema(of: field)
                if let comment = summary(field.protoSourceComments(commentPrefix: "")), property["$ref"] == nil {
                    property["description"] = comment
                }
                properties[field.jsonName ?? field.name] = property
            }
            var object: [String: Any] = ["type": "object", "properties": properties]
            if let comment = summary(message.protoSourceComments(commentPrefix: "")) { object["description"] = comment }
            schemas[message.fullName] = object
        }
        schemas["civic.Error"] = [
            "type": "object",
            "required": ["code", "status", "message", "details"],
            "properties": [
                "code": ["type": "integer", "description": "gRPC status code number"],
                "status": ["type": "string", "description": "gRPC status code name, e.g. INVALID_ARGUMENT"],
                "message": ["type": "string"],
                "details": [
                    "type": "array",
                    "items": [
                        "type": "object",
                        "properties": ["field": ["type": "string"], "reason": ["type": "string"], "description": ["type": "string"]],
                    ],
                ],
            ],
        ]
        paths["/healthz"] = [
            "get": [
                "operationId": "healthz", "summary": "200 when every backend is SERVING, else 503 with each service's state",
                "security": [] as [Any],
                "responses": [
                    "200": ["description": "all SERVING", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/civic.Health"]]]],
                    "503": [
                        "description": "some service not SERVING", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/civic.Health"]]],
                    ],
                ],
            ]
        ]
        schemas["civic.Health"] = [
            "type": "object",
            "properties": ["status": ["type": "string"], "services": ["type": "object", "additionalProperties": ["type": "string"]]],
        ]
        paths["/metrics"] = [
            "get": [
                "operationId": "metrics", "summary": "Prometheus text format", "security": [] as [Any],
                "responses": ["200": ["description": "metrics", "content": ["text/plain": ["schema": ["type": "string"]]]]],
            ]
        ]
        paths["/openapi.json"] = [
            "get": [
                "operationId": "openapi", "summary": "This document", "security": [] as [Any],
                "responses": ["200": ["description": "OpenAPI 3 document", "content": ["application/json": ["schema": ["type": "object"]]]]],
            ]
        ]
        let document: [String: Any] = [
            "openapi": "3.0.3",
            "info": [
                "title": "Civic gateway HTTP/JSON API",
                "version": "1",
                "description": "Every RPC of the Civic services as POST /rpc/<package.Service>/<Method> with protobuf canonical JSON "
                    + "(or application/x-protobuf). Errors are always the JSON body civic.Error, with the gRPC status mapped to HTTP as grpc-gateway does. "
                    + "Send the API key as Authorization: Bearer <key>; who may call what is in docs/ACCESS.md. Generated from protos/ by protoc-gen-civic.",
            ],
            "servers": [["url": "http://127.0.0.1:8080"]],
            "security": [["bearerAuth": [] as [Any]]],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer", "description": "A Civic API key (civic keys create)."]],
                "responses": [
                    "Error": [
                        "description": "An error: the gRPC status as JSON",
                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/civic.Error"]]],
                    ]
                ],
                "schemas": schemas,
            ],
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The first paragraph of a comment, on one line.
    static func summary(_ comment: String) -> String? {
        let text = comment.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .prefix { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty ? nil : text
    }
}
