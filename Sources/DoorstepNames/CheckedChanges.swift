import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import GRDB

/// A change refused because the check rejected the name; the report says why.
public struct NameRefused: Error, CustomStringConvertible, Sendable {
    public var report: CheckReport

    public init(_ report: CheckReport) { self.report = report }

    public var description: String { "refused: \(report.text)" }
}

extension Registry {
    /// Checks the draft's name and records it unless the check rejects it, in one transaction: two
    /// offices proposing the same name at the same moment cannot both pass the duplicate rule.
    /// With `planned`, the record is linked to that planned road (and takes its line).
    ///
    /// ```swift
    /// let (id, report) = try registry.createChecked(PlaceDraft(name: "云栖路", type: "road", district: "330106", status: .proposed),
    ///                                              action: "propose", actor: "xihu-office")
    /// report.verdict  // .ok or .review; a rejected name throws NameRefused instead
    /// ```
    public func createChecked(
        _ draft: PlaceDraft, action: String, planned: Int64? = nil, actor: String, reason: String? = nil
    ) throws -> (id: Int64, report: CheckReport) {
        let location: Coordinate? = if case .point(let point)? = draft.geometry { point } else { nil }
        let proposal = NameProposal(
            name: draft.name, type: draft.type, district: draft.district, town: draft.town, location: location, plannedRoad: planned)
        return try write { db in
            let report = try check(proposal, in: db)
            if report.verdict == .reject { throw NameRefused(report) }
            let id = try planned.map { try namePlannedRoad($0, draft, action: action, actor: actor, reason: reason, in: db) }
                ?? create(draft, action: action, actor: actor, reason: reason, in: db)
            return (id, report)
        }
    }

    /// Checks the new name against the rules (the record itself is no conflict) and renames unless
    /// the check rejects it, in one transaction. Protection measures written down meet the historic rule.
    public func renameChecked(
        _ id: Int64, to newName: String, date: String? = nil, actor: String, reason: String?, protectionMeasures: String? = nil
    ) throws -> (place: Place, report: CheckReport) {
        var report: CheckReport?
        let place = try rename(id, to: newName, date: date, actor: actor, reason: reason, protectionMeasures: protectionMeasures) { current, db in
            let proposal = NameProposal(name: newName, type: current.type, district: current.district, town: current.town, recordID: id)
            let checked = try self.check(proposal, in: db).meetingHistoric(with: protectionMeasures)
            if checked.verdict == .reject { throw NameRefused(checked) }
            report = checked
        }
        guard let report else { throw RegistryError("\(path): the rename of record \(id) was not checked") }
        return (place, report)
    }
}

extension CheckReport {
    /// The historic rule asks for protection measures: once they are written down, its rejection is met.
    public func meetingHistoric(with measures: String?) -> CheckReport {
        guard let measures, !measures.trimmingCharacters(in: .whitespaces).isEmpty else { return self }
        var report = self
        report.findings.removeAll { $0.rule == "historic" && $0.severity == .reject }
        return report
    }

    /// The JSON of `doorstep names check --format json` and of the server's check.
    public var json: JSONValue {
        .object([
            "name": .string(name), "pinyin": .string(pinyin), "verdict": .string(verdict.rawValue),
            "findings": .array(findings.map { finding in
                .object([
                    "rule": .string(finding.rule), "severity": .string(finding.severity.rawValue), "message": .string(finding.message),
                    "conflicts": .array(finding.conflicts.map { .object(["id": .number(Double($0.id)), "name": .string($0.name)]) }),
                ])
            }),
        ])
    }

    /// The verdict and one line per finding, as `doorstep names check` prints them.
    public var text: String {
        var lines = ["\(RegistryInput.shown(name))  \(pinyin)  → \(verdict.rawValue)"]
        for finding in findings { lines.append("  [\(finding.severity.rawValue)] \(finding.rule): \(finding.message)") }
        return lines.joined(separator: "\n")
    }
}

extension RegistryEvent {
    /// The JSON of `doorstep names history --format json` and of the server's history.
    public var json: JSONValue {
        .object([
            "at": .string(at), "actor": .string(actor), "action": .string(action),
            "reason": reason.map(JSONValue.string) ?? .null, "before": before.map(JSONValue.string) ?? .null,
            "after": after.map(JSONValue.string) ?? .null,
        ])
    }
}
