import DoorstepGeoJSON
import DoorstepNames
import DoorstepSiting
import Foundation

/// The OpenAPI 3.0 document of the whole service (`/api`, the landing page's `service-desc`).
enum OpenAPI {
    static func document(workspace: Workspace, configuration: ServerConfiguration, hasRegistry: Bool = false) -> JSONValue {
        let collections = JSONValue.array(workspace.collections.map { .string($0.id) })
        let kinds = JSONValue.array(workspace.kinds.map { .string($0.kind) })
        let json = "application/json", geo = "application/geo+json", html = "text/html", problemType = "application/problem+json"

        func schemaRef(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }
        func content(_ types: [(String, JSONValue)]) -> JSONValue {
            .object(JSONObject(types.map { ($0.0, .object(["schema": $0.1])) }))
        }
        func response(_ description: String, _ types: [(String, JSONValue)] = []) -> JSONValue {
            var object: JSONObject = ["description": .string(description)]
            if !types.isEmpty { object["content"] = content(types) }
            return .object(object)
        }
        let problem = response("A problem (RFC 9457)", [(problemType, schemaRef("Problem"))])
        func parameter(_ name: String, in place: String = "query", required: Bool = false, _ schema: JSONValue, _ description: String) -> JSONValue {
            .object([
                "name": .string(name), "in": .string(place), "required": .bool(required), "schema": schema,
                "description": .string(description), "style": "form", "explode": false,
            ])
        }
        let f = parameter("f", .object(["type": "string", "enum": .array(["json", "html"])]), "The representation: json or html (else by Accept)")
        let anyObject: JSONValue = .object(["type": "object"])
        let htmlOrJSON: [(String, JSONValue)] = [(json, anyObject), (html, .object(["type": "string"]))]
        func get(_ summary: String, _ operationId: String, parameters: [JSONValue] = [f], _ responses: JSONObject) -> JSONValue {
            .object(["get": .object([
                "summary": .string(summary), "operationId": .string(operationId), "parameters": .array(parameters),
                "responses": .object(responses),
            ])])
        }
        func post(_ summary: String, _ operationId: String, body: JSONValue, _ responses: JSONObject) -> JSONObject {
            [
                "summary": .string(summary), "operationId": .string(operationId),
                "requestBody": .object(["required": true, "content": content([(json, body)])]),
                "responses": .object(responses),
            ]
        }
        let collectionId = parameter("collectionId", in: "path", required: true, .object(["type": "string", "enum": collections]), "The collection")
        let featureId = parameter("featureId", in: "path", required: true, .object(["type": "string"]), "The feature's id")
        let jobId = parameter("jobId", in: "path", required: true, .object(["type": "string"]), "The job's id")
        let limit = parameter(
            "limit", .object(["type": "integer", "minimum": 1, "maximum": .number(Double(ItemsQuery.maximumLimit)), "default": .number(Double(ItemsQuery.defaultLimit))]),
            "Features per page")
        let offset = parameter("offset", .object(["type": "integer", "minimum": 0, "default": 0]), "Features to skip")
        let bbox = parameter(
            "bbox", .object(["type": "array", "minItems": 4, "maxItems": 4, "items": .object(["type": "number", "minimum": -180, "maximum": 180])]),
            "minLon,minLat,maxLon,maxLat (CRS84)")

        let level: JSONValue = .object(["type": "string", "enum": .array(["district", "street", "community", "all"])])
        let levelOne: JSONValue = .object(["type": "string", "enum": .array(["district", "street", "community"])])
        let kind: JSONValue = .object(["type": "string", "description": "A facility kind served", "enum": kinds])
        let point: JSONValue = .object([
            "type": "object", "required": .array(["type", "coordinates"]),
            "properties": .object([
                "type": .object(["type": "string", "enum": .array(["Point"])]),
                // [longitude, latitude] (an altitude and a measure may follow, ignored). OpenAPI 3.0
                // bounds every item alike (no prefixItems): the items' range is the longitude's, and a
                // latitude beyond ±90 is answered 400 as the description says.
                "coordinates": .object([
                    "type": "array", "minItems": 2, "maxItems": 4,
                    "description": "[longitude, latitude] in WGS84 degrees: longitude from -180 to 180, latitude from -90 to 90 (else 400)",
                    "items": .object(["type": "number", "minimum": -180, "maximum": 180]),
                ]),
            ]),
        ])
        let featureCollection: JSONValue = .object([
            "type": "object", "required": .array(["type", "features"]),
            "description": "A GeoJSON FeatureCollection of the proposed points (WGS84 longitude, latitude)",
            "properties": .object([
                "type": .object(["type": "string", "enum": .array(["FeatureCollection"])]),
                "features": .object([
                    "type": "array", "maxItems": .number(Double(RequestJSON.maximumProposed)),
                    "items": .object([
                        "type": "object", "required": .array(["type", "geometry"]),
                        "properties": .object([
                            "type": .object(["type": "string", "enum": .array(["Feature"])]),
                            "properties": .object(["type": "object", "nullable": true]),
                            "geometry": point,
                        ]),
                    ]),
                ]),
            ]),
        ])
        let radius: JSONValue = .object(["type": "number", "minimum": 1, "maximum": 100_000, "description": "Catchment radius in metres"])
        let coverageRequest: JSONValue = .object([
            "type": "object", "additionalProperties": false,
            "properties": .object(["kind": kind, "radius_m": radius, "level": level]),
        ])
        let gapsRequest: JSONValue = .object([
            "type": "object", "additionalProperties": false,
            "properties": .object([
                "kind": kind, "radius_m": radius, "level": level,
                "min_ratio": .object(["type": "number", "minimum": 0, "maximum": 1]),
                "min_facilities": .object(["type": "integer", "minimum": 0, "maximum": 10_000]),
                "min_area_m2": .object(["type": "number", "minimum": 0, "maximum": 10_000_000]),
            ]),
        ])
        let scenarioRequest: JSONValue = .object([
            "type": "object", "required": .array(["kind", "facilities"]), "additionalProperties": false,
            "properties": .object([
                "kind": kind, "level": levelOne, "radius_m": radius,
                "facilities": featureCollection,
            ]),
        ])
        var siteRequestObject: JSONObject = [
            "type": "object", "additionalProperties": false,
            // add or target_ratio (not both) or min_facilities; per_unit only with target_ratio.
            "not": .object(["required": .array(["add", "target_ratio"])]),
            "allOf": .array([
                .object(["anyOf": .array([
                    .object(["required": .array(["add"])]), .object(["required": .array(["target_ratio"])]),
                    .object(["required": .array(["min_facilities"])]),
                ])]),
                .object(["anyOf": .array([
                    .object(["required": .array(["target_ratio"])]),
                    .object(["properties": .object(["per_unit": .object(["type": "boolean", "enum": .array([false])])])]),
                ])]),
            ]),
            "properties": .object([
                "kind": kind, "level": levelOne, "radius_m": radius,
                "add": .object(["type": "integer", "minimum": 1, "maximum": .number(Double(SitingRequest.addRange.range.upperBound))]),
                "target_ratio": .object(["type": "number", "exclusiveMinimum": true, "minimum": 0, "maximum": 1]),
                "per_unit": .object(["type": "boolean"]),
                "min_facilities": .object(["type": "integer", "minimum": 1, "maximum": .number(Double(SitingRequest.minFacilitiesRange.range.upperBound))]),
                "solver": .object(["type": "string", "enum": .array(["auto", "exact", "heuristic"])]),
                "time_limit": .object(["type": "number", "minimum": 0.1, "maximum": 600]),
                "candidate_spacing": .object(["type": "number", "minimum": 10, "maximum": 100_000]),
            ]),
        ]
        // kind may be left out when the server serves one kind only: it is then the default.
        if workspace.kinds.count != 1 { siteRequestObject["required"] = .array(["kind"]) }
        let siteRequest: JSONValue = .object(siteRequestObject)
        let reportRequest: JSONValue = .object([
            "type": "object", "additionalProperties": false,
            "properties": .object([
                "kind": kind, "level": levelOne, "lang": .object(["type": "string", "enum": .array(["zh", "en"])]),
                "facilities": featureCollection,
            ]),
        ])
        let scenarioResponse: JSONValue = .object([
            "type": "object",
            "properties": .object([
                "kind": .object(["type": "string"]), "radius_m": .object(["type": "number"]),
                "newly_covered": .object(["type": "number"]),
                "units": .object(["type": "array", "items": .object(["type": "object"])]),
            ]),
        ])
        let badRequest: JSONObject = ["400": problem, "413": problem]

        var paths = JSONObject()
        paths["/"] = get("The landing page", "getLandingPage", ["200": response("The landing page", htmlOrJSON), "400": problem])
        paths["/conformance"] = get("The conformance classes", "getConformance", ["200": response("Conformance", htmlOrJSON), "400": problem])
        paths["/api"] = get("This document", "getAPI", parameters: [], ["200": response("OpenAPI 3.0", [("application/vnd.oai.openapi+json;version=3.0", anyObject)])])
        paths["/collections"] = get("The collections", "getCollections", ["200": response("The collections", htmlOrJSON), "400": problem])
        paths["/collections/{collectionId}"] = get(
            "A collection", "describeCollection", parameters: [collectionId, f],
            ["200": response("The collection", htmlOrJSON), "400": problem, "404": problem])
        paths["/collections/{collectionId}/items"] = get(
            "The features of a collection; filter by a property with ?NAME=VALUE", "getFeatures", parameters: [collectionId, limit, offset, bbox, f],
            ["200": response("A page of features", [(geo, anyObject), (html, .object(["type": "string"]))]), "400": problem, "404": problem])
        paths["/collections/{collectionId}/items/{featureId}"] = get(
            "One feature", "getFeature", parameters: [collectionId, featureId, f],
            ["200": response("The feature", [(geo, anyObject), (html, .object(["type": "string"]))]), "400": problem, "404": problem])
        var responses = badRequest
        responses["200"] = response("The coverage rows, as `doorstep coverage --format json`", [(json, .object(["type": "array", "items": anyObject]))])
        paths["/api/coverage"] = .object(["post": .object(post("Coverage per unit", "postCoverage", body: coverageRequest, responses))])
        responses = badRequest
        responses["200"] = response("The gap list, as `doorstep gaps`", [(geo, anyObject)])
        paths["/api/gaps"] = .object(["post": .object(post("The gap list", "postGaps", body: gapsRequest, responses))])
        responses = badRequest
        responses["200"] = response("Coverage before and after, for the units within reach of the proposed facilities", [(json, scenarioResponse)])
        paths["/api/scenarios"] = .object(["post": .object(post("What if these facilities were added", "postScenario", body: scenarioRequest, responses))])
        responses = badRequest
        responses["202"] = response("The job, with its URL in Location", [(json, anyObject)])
        responses["429"] = problem
        paths["/api/site"] = .object(["post": .object(post("Propose sites (runs as a job)", "postSite", body: siteRequest, responses))])
        paths["/api/jobs/{jobId}"] = .object([
            "get": .object([
                "summary": "A job's state, progress and result", "operationId": "getJob", "parameters": .array([jobId]),
                "responses": .object(["200": response("The job", [(json, anyObject)]), "404": problem]),
            ]),
            "delete": .object([
                "summary": "Cancel a job: its computation stops; the job stays readable, with status cancelled",
                "operationId": "deleteJob", "parameters": .array([jobId]),
                "responses": .object(["200": response("The job, cancelled", [(json, anyObject)]), "404": problem]),
            ]),
        ])
        responses = badRequest
        responses["200"] = response("The HTML report, as `doorstep report`", [(html, .object(["type": "string"]))])
        paths["/api/report"] = .object(["post": .object(post("The report", "postReport", body: reportRequest, responses))])
        paths["/map"] = get("The planning map", "getMap", parameters: [], ["200": response("The map page", [(html, .object(["type": "string"]))])])
        if hasRegistry {
            for (path, item) in namesPaths(problem: problem, parameter: { parameter($0, in: $1, required: $2, $3, $4) }, response: response).entries {
                paths[path] = item
            }
        }

        return .object([
            "openapi": "3.0.3",
            "info": .object([
                "title": "Doorstep planning service", "version": .string(configuration.version),
                "description": "OGC API – Features over the workspace's units, facilities, coverage and gaps, and the analysis endpoints of doorstep.",
                "license": .object(["name": "See the project's licence"]),
            ]),
            "servers": .array([.object(["url": "/"])]),
            "paths": .object(paths),
            "components": .object([
                "securitySchemes": .object(["bearer": .object(["type": "http", "scheme": "bearer", "description": "A token from `doorstep serve tokens add`"])]),
                "schemas": .object([
                    "Problem": .object([
                        "type": "object",
                        "properties": .object([
                            "type": .object(["type": "string"]), "title": .object(["type": "string"]),
                            "status": .object(["type": "integer"]), "detail": .object(["type": "string"]),
                        ]),
                    ])
                ])
            ]),
        ])
    }
}

extension OpenAPI {
    /// The registry's routes (`--names`): reads open unless `--private`, writes with a bearer token.
    static func namesPaths(
        problem: JSONValue, parameter: (String, String, Bool, JSONValue, String) -> JSONValue,
        response: (String, [(String, JSONValue)]) -> JSONValue
    ) -> JSONObject {
        let json = "application/json"
        let text: JSONValue = .object(["type": "string"])
        let record: JSONValue = .object(["type": "object", "description": "A record, as `doorstep names show --format json`"])
        let check: JSONValue = .object(["type": "object", "description": "A check, as `doorstep names check --format json`"])
        let id = parameter("id", "path", true, .object(["type": "integer", "minimum": 1]), "The record's id")
        let bearer: JSONValue = .array([.object(["bearer": .array([])])])
        func operation(_ summary: String, _ operationId: String, parameters: [JSONValue] = [], body: JSONObject? = nil, _ responses: JSONObject) -> JSONValue {
            var object: JSONObject = [
                "summary": .string(summary), "operationId": .string(operationId), "parameters": .array(parameters), "responses": .object(responses),
            ]
            if let body {
                object["requestBody"] = .object([
                    "required": true,
                    "content": .object([json: .object(["schema": .object(["type": "object", "additionalProperties": false, "properties": .object(body)])])]),
                ])
                object["security"] = bearer
            }
            return .object(object)
        }
        let refusals: JSONObject = ["400": problem, "401": problem, "403": problem, "404": problem, "409": problem, "413": problem, "429": problem]
        let proposal: JSONObject = [
            "name": text, "type": text, "district": .object(["type": "string", "pattern": "^[0-9]{6}$"]),
            "town": .object(["type": "string", "pattern": "^[0-9]{9}$"]), "reason": text,
            "at": .object(["type": "array", "minItems": 2, "maxItems": 2, "items": .object(["type": "number", "minimum": -180, "maximum": 180])]),
            "planned": .object(["type": "integer", "minimum": 1]),
        ]
        var created = refusals
        created["201"] = response("The record, with the check that let it through", [(json, record)])
        created["422"] = response("The check rejects the name: its findings in `check`", [("application/problem+json", check)])
        var changed = refusals
        changed["200"] = response("The record as changed", [(json, record)])
        var renamed = changed
        renamed["422"] = created["422"]
        let date: JSONValue = .object(["type": "string", "format": "date"])
        // The search text as the registry takes it: at most a name's length, and none of the characters
        // it refuses (controls, tab and line breaks included; invisible format characters; U+FFFD;
        // noncharacters of the Basic Multilingual Plane; an ECMA 262 pattern without the u flag cannot
        // name the few beyond it).
        let refused =
            "\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890\\u0891\\u08E2\\u180E"
            + "\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFDD0-\\uFDEF\\uFEFF\\uFFF9-\\uFFFB\\uFFFD-\\uFFFF"
        let searchText: JSONValue = .object([
            "type": "string", "maxLength": .number(Double(RegistryInput.maxNameLength)), "pattern": .string("^[^" + refused + "]{0,\(RegistryInput.maxNameLength)}$"),
        ])
        return [
            "/api/names/check": .object(["get": operation(
                "Check a name against the rules and the registry", "checkName",
                parameters: [
                    parameter("name", "query", true, text, "The proposed name"), parameter("type", "query", true, text, "The place type"),
                    parameter("district", "query", false, text, "District code, 6 digits"), parameter("town", "query", false, text, "Town code, 9 digits"),
                    parameter("at", "query", false, text, "LON,LAT in WGS84 degrees (longitude from -180 to 180, latitude from -90 to 90), e.g. 120.1301,30.2802; else 400"),
                ], ["200": response("The verdict and findings", [(json, check)]), "400": problem, "401": problem])]),
            "/api/names/search": .object(["get": operation(
                "Find records by characters, pinyin, initials or former names", "searchNames",
                parameters: [
                    parameter("q", "query", false, searchText, "Characters or pinyin; absent or empty, nothing is found"),
                    parameter("limit", "query", false, .object(["type": "integer", "minimum": 1, "maximum": 1000, "default": 50]), "Records at most"),
                ], ["200": response("The records", [(json, .object(["type": "array", "items": record]))]), "400": problem, "401": problem])]),
            "/api/names/{id}": .object(["get": operation(
                "A record", "getName", parameters: [id], ["200": response("The record", [(json, record)]), "401": problem, "404": problem])]),
            "/api/names/{id}/history": .object(["get": operation(
                "Every change to a record: when, who (the token's name), what, why", "getNameHistory", parameters: [id],
                ["200": response("The events", [(json, .object(["type": "array", "items": .object(["type": "object"])]))]), "401": problem, "404": problem])]),
            "/api/names": .object(["post": operation("Propose a name (an editor, in its district)", "proposeName", body: proposal, created)]),
            "/api/names/reserve": .object(["post": operation("Reserve a name in the name bank", "reserveName", body: proposal, created)]),
            "/api/names/{id}/approve": .object(["post": operation(
                "Approve a proposed or reserved name (an approver)", "approveName", parameters: [id],
                body: ["body": text, "date": date, "document": text, "reason": text], changed)]),
            "/api/names/{id}/rename": .object(["post": operation(
                "Rename; the old name stays as a former name (an approver)", "renameName", parameters: [id],
                body: ["name": text, "reason": text, "protection_measures": text, "date": date], renamed)]),
            "/api/names/{id}/retire": .object(["post": operation(
                "Retire a name whose place ceased (an approver)", "retireName", parameters: [id],
                body: ["reason": text, "protection_measures": text, "date": date], changed)]),
            "/names": .object(["get": operation("The place-name page", "getNamesPage", ["200": response("The page", [("text/html", text)])])]),
        ]
    }
}

extension JSONValue {
    var firstItem: JSONValue? {
        if case .array(let items) = self { return items.first }
        return nil
    }
}

