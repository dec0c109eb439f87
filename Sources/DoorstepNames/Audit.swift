import DoorstepGeometry
import Foundation
import GRDB
import Synchronization

/// One in-use record that does not conform to the current rules, with what is wrong.
public struct AuditEntry: Sendable, Equatable {
    public var place: Place
    /// The findings of every rule, as `check` gives them for the record's own name.
    public var findings: [Finding]
    /// The worst finding: `reject` or `review`.
    public var verdict: CheckReport.Verdict
}

/// The clean-up audit (`doorstep names audit`): every in-use record re-checked.
public struct AuditReport: Sendable {
    /// How many in-use records were checked.
    public var checked: Int
    /// The non-conforming records, in id order.
    public var entries: [AuditEntry]
    /// Non-conforming records per district ("(none)" for records without one), most first.
    public var byDistrict: [(String, Int)]
    /// Findings per rule and severity ("grandiose reject"), most first.
    public var byRule: [(String, Int)]
}

extension Registry {
    /// Re-checks every in-use record against the current rules, settings and plan, read-only, and
    /// lists those with findings. A record is checked as a proposal of its own name, type, codes and
    /// (a representative point of) its geometry, so it does not clash with itself.
    ///
    /// ```swift
    /// let audit = try registry.audit()
    /// for entry in audit.entries { print(entry.place.name, entry.findings.map(\.rule)) }
    /// ```
    public func audit() throws -> AuditReport {
        let places = try all(status: .inUse)
        Romanizer.shared.prepare(places.map(\.name))
        let context = try read { db in try RuleContext(db, path: path, shortcuts: try RuleShortcuts(db, proposalsAreRecords: true)) }
        // The records are checked in shares side by side, each on a read connection of its own: the
        // checks are independent, and an audit of 100,000 names is CPU work on every core.
        let shares = max(1, min(ProcessInfo.processInfo.activeProcessorCount, places.count / 2_000))
        let found = Mutex<[Int: Result<[AuditEntry], any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: shares) { share in
            let part = places[(places.count * share / shares)..<(places.count * (share + 1) / shares)]
            let result = Result {
                try (share == 0 ? database : try Self.openForReading(path)).read { db in
                    try part.compactMap { try auditEntry($0, db: db, context: context) }
                }
            }
            found.withLock { $0[share] = result }
        }
        var entries: [AuditEntry] = []
        for share in 0..<shares {
            guard let result = found.withLock({ $0[share] }) else { throw RegistryError("\(path): a share of the audit did not finish") }
            do { entries += try result.get() } catch let error as RegistryError { throw error } catch { throw failure(error) }
        }
        func ranked(_ counts: [String: Int]) -> [(String, Int)] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        var districts: [String: Int] = [:], rules: [String: Int] = [:]
        for entry in entries {
            districts[entry.place.district ?? "(none)", default: 0] += 1
            for finding in entry.findings { rules["\(finding.rule) \(finding.severity.rawValue)", default: 0] += 1 }
        }
        return AuditReport(checked: places.count, entries: entries, byDistrict: ranked(districts), byRule: ranked(rules))
    }

    /// One record checked as a proposal of its own name, or nil when it conforms.
    func auditEntry(_ place: Place, db: Database, context: RuleContext) throws -> AuditEntry? {
        let proposal = NameProposal(
            name: place.name, type: place.type, district: place.district, town: place.town,
            location: place.geometry.flatMap(PlanGeometry.representativePoint), recordID: place.id)
        let report: CheckReport
        do {
            report = try NameRules(db: db, proposal: proposal, context: context).report()
        } catch let error as RegistryError {
            // A stored record no rule can judge (a type since removed) is itself a finding.
            report = CheckReport(
                name: place.name, pinyin: "", findings: [Finding(rule: "record", severity: .reject, message: error.message, conflicts: [])])
        }
        guard report.verdict != .ok else { return nil }
        return AuditEntry(place: place, findings: report.findings, verdict: report.verdict)
    }
}

/// A lawful name proposed for a planned road.
public struct NameSuggestion: Sendable, Equatable {
    public var name: String
    public var pinyin: String
    /// The 通名.
    public var generic: String
    /// The theme words the 专名 uses (empty for a series name without them).
    public var themeWords: [String]
    /// 0–1, higher is better: a series' next number first, then one theme word, then two; the
    /// class's first 通名 before its others.
    public var score: Double
}

/// What `suggest` found: the names, and whether the theme ran out before `count` were found.
public struct SuggestionResult: Sendable {
    public var road: PlannedRoad
    public var area: PlanArea
    public var suggestions: [NameSuggestion]
    /// True when every name the theme and series give was tried and fewer than asked passed.
    public var exhausted: Bool
    /// How many candidate names were checked.
    public var tried: Int
}

extension Registry {
    /// Proposes up to `count` lawful names for planned road `id`, best first: from its plan area's
    /// series (the number after the highest in use) and theme words, each with a 通名 its class
    /// allows, each passing every rule with verdict `ok`, no two homophones of each other.
    ///
    /// ```swift
    /// let result = try registry.suggest(for: 3, count: 5)
    /// result.suggestions.map(\.name)   // ["文四路", "文华路", …]
    /// ```
    public func suggest(for id: Int64, count: Int = 5) throws -> SuggestionResult {
        guard count >= 1 else { throw RegistryError("ask for at least one suggestion") }
        return try read { db in
            let context = try RuleContext(db, path: path)
            let road = try Self.plannedRoad(db, id)
            if let placeID = road.placeID {
                throw RegistryError("planned road \(id) is named already (record \(placeID), \(road.name ?? "?")); suggest is for unnamed planned roads")
            }
            guard let point = PlanGeometry.representativePoint(road.geometry), let area = context.area(at: point) else {
                throw RegistryError("planned road \(id) lies in no plan area; import the plan areas with `doorstep names plan import`")
            }
            let generics = context.settings.roadClasses[road.roadClass] ?? []
            guard !generics.isEmpty else {
                throw RegistryError("planned road \(id) has the class \(road.roadClass), which the settings' roadClasses no longer hold")
            }
            let candidates = try Self.candidates(db, area: area, generics: generics, settings: context.settings)
            var chosen: [NameSuggestion] = []
            var sounds = Set<String>()
            var tried = 0
            for candidate in candidates {
                if chosen.count == count { break }
                let sound = Romanizer.shared.soundKey(candidate.name)
                guard !sounds.contains(sound) else { continue }
                guard let type = Self.roadType(for: candidate.generic, types: context.types) else { continue }
                tried += 1
                let proposal = NameProposal(name: candidate.name, type: type, district: road.district, location: point, plannedRoad: id)
                let report = try NameRules(db: db, proposal: proposal, context: context).report()
                guard report.verdict == .ok else { continue }
                sounds.insert(sound)
                var suggestion = candidate
                suggestion.pinyin = report.pinyin
                chosen.append(suggestion)
            }
            return SuggestionResult(road: road, area: area, suggestions: chosen, exhausted: chosen.count < count, tried: tried)
        }
    }

    /// The road type whose 通名 this is: 大道 an avenue, 路 a road, 街 a street (or road), 巷/弄 a lane.
    static func roadType(for generic: String, types: [String: PlaceType]) -> String? {
        ["avenue", "road", "street", "lane"].first { types[$0]?.generics.contains(generic) == true }
            ?? types.values.filter { $0.generics.contains(generic) }.map(\.id).sorted().first
    }

    /// Candidate names in score order: the series' next numbers, then each theme word alone (two or
    /// more characters), then pairs of theme words, each with every allowed 通名 (the first preferred).
    static func candidates(_ db: Database, area: PlanArea, generics: [String], settings: NameSettings) throws -> [NameSuggestion] {
        var out: [NameSuggestion] = []
        var seen = Set<String>()
        func add(_ proper: String, _ generic: String, words: [String], score: Double) {
            let name = proper + generic
            guard name.count >= settings.minLength, name.count <= settings.maxLength,
                settings.maxProperLength.map({ proper.count <= $0 }) ?? true, seen.insert(name).inserted
            else { return }
            out.append(NameSuggestion(name: name, pinyin: "", generic: generic, themeWords: words, score: (score * 1000).rounded() / 1000))
        }
        if let series = area.series {
            // Continue after the highest number any record (in any status, or a former name) uses.
            let like = Self.likeEscaped(series.prefix) + "%" + Self.likeEscaped(series.suffix)
            let used = try String.fetchAll(db, sql: #"SELECT name FROM place WHERE name LIKE ? ESCAPE '\' UNION SELECT name FROM place_alias WHERE name LIKE ? ESCAPE '\'"#, arguments: [like, like])
                .compactMap(series.number(in:))
            let next = (used.max() ?? 0) + 1
            if next <= SeriesPattern.maxNumber {
                for n in next...min(SeriesPattern.maxNumber, next + 9) {
                    let name = series.name(n)
                    let words = area.themeWords(in: String(name.dropLast(series.suffix.count)))
                    let generic = generics.first { name.hasSuffix($0) } ?? series.suffix
                    let proper = String(name.dropLast(generic.count))
                    add(proper, generic, words: words, score: 1.0 - Double(n - next) * 0.01)
                }
            }
        }
        let words = area.theme
        for (g, generic) in generics.enumerated() {
            for (i, word) in words.enumerated() where word.count >= 2 {
                add(word, generic, words: [word], score: 0.8 - Double(g) * 0.05 - Double(i) * 0.001)
            }
        }
        for (g, generic) in generics.enumerated() {
            for (i, first) in words.enumerated() {
                for (j, second) in words.enumerated() where i != j {
                    add(first + second, generic, words: [first, second], score: 0.6 - Double(g) * 0.05 - Double(i + j) * 0.001)
                }
            }
        }
        return out.sorted { $0.score != $1.score ? $0.score > $1.score : $0.name < $1.name }
    }
}
