import DoorstepCRS
import DoorstepGeoJSON
import DoorstepGeometry
import Foundation
import GRDB
import Synchronization

/// How serious a finding is.
public enum Severity: String, Codable, Sendable, Comparable {
    /// A person must look at it before the review meeting.
    case review
    /// The law or the bureau's settings rule the name out.
    case reject

    public static func < (a: Severity, b: Severity) -> Bool { a == .review && b == .reject }
}

/// One rule's finding about a proposed name.
public struct Finding: Sendable, Equatable {
    /// generic, characters, length, grandiose, blocked-word, duplicate, homophone, area-mismatch,
    /// historic, reserved, plan or reading (and, from an audit, record: a stored record no rule can judge).
    public var rule: String
    public var severity: Severity
    public var message: String
    /// The records the name clashes with: id and name.
    public var conflicts: [Conflict]

    public struct Conflict: Sendable, Equatable {
        public var id: Int64
        public var name: String
    }
}

/// The result of checking a name: the verdict is the worst finding's severity, or `ok`.
public struct CheckReport: Sendable, Equatable {
    public enum Verdict: String, Sendable { case ok, review, reject }

    public var name: String
    public var pinyin: String
    public var findings: [Finding]

    public var verdict: Verdict {
        switch findings.map(\.severity).max() {
        case .reject?: .reject
        case .review?: .review
        case nil: .ok
        }
    }
}

/// What is being named: the name, its type and where the place is.
public struct NameProposal: Sendable, Equatable {
    public var name: String
    public var type: String
    public var district: String?
    public var town: String?
    /// A WGS84 point of the place, for `area-mismatch`.
    public var location: Coordinate?
    /// The record being renamed or given this name, which is not a conflict with itself.
    public var recordID: Int64?
    /// The planned road this name is for: its class limits the 通名 (the `plan` rule), and its line
    /// places it in a plan area when there is no `location`.
    public var plannedRoad: Int64?

    public init(
        name: String, type: String, district: String? = nil, town: String? = nil, location: Coordinate? = nil, recordID: Int64? = nil,
        plannedRoad: Int64? = nil
    ) {
        self.name = name
        self.type = type
        self.district = district
        self.town = town
        self.location = location
        self.recordID = recordID
        self.plannedRoad = plannedRoad
    }
}

extension Registry {
    /// Runs every rule on a proposed name against the registry and its settings.
    ///
    /// ```swift
    /// let report = try registry.check(NameProposal(name: "文三路", type: "road", district: "330106"))
    /// report.verdict  // .reject when 文三路 already exists in the city
    /// ```
    public func check(_ proposal: NameProposal) throws -> CheckReport {
        try read { db in try check(proposal, in: db) }
    }

    func check(_ proposal: NameProposal, in db: Database) throws -> CheckReport {
        try NameRules(db: db, proposal: proposal, context: try ruleContext(db)).report()
    }

    /// The types, settings and plan areas, read again only when the registry has changed since the
    /// last check: every change to them records an event, so the last event's id tells.
    func ruleContext(_ db: Database) throws -> RuleContext {
        let event = try Self.lastEventID(db)
        if let cached = lastRuleContext.withLock({ $0 }), cached.event == event { return cached.context }
        let context = try RuleContext(db, path: path)
        lastRuleContext.withLock { $0 = (event, context) }
        return context
    }
}

/// What every check of one run shares: types, settings and the plan areas, read once.
struct RuleContext: Sendable {
    let types: [String: PlaceType]
    let settings: NameSettings
    let planAreas: [PlanArea]
    /// For a run of many checks: tallies that let a rule skip a query that cannot find anything.
    let shortcuts: RuleShortcuts?

    init(_ db: Database, path: String, shortcuts: RuleShortcuts? = nil) throws {
        types = try Registry.types(db)
        settings = try Registry.settings(db, path: path)
        planAreas = try Registry.planAreas(db)
        self.shortcuts = shortcuts
    }

    /// The plan area a point lies in: the first imported that holds it (areas do not overlap, so
    /// only a point on a shared edge could have two).
    func area(at point: Coordinate) -> PlanArea? { planAreas.first { $0.contains(point) } }
}

/// The rules, with the proposal and a read transaction on the registry.
struct NameRules {
    let db: Database
    let proposal: NameProposal
    let type: PlaceType
    let parts: NameParts
    let settings: NameSettings
    let context: RuleContext
    let romanizer = Romanizer.shared

    init(db: Database, proposal: NameProposal, context: RuleContext) throws {
        self.db = db
        self.proposal = proposal
        self.context = context
        try Self.validate(proposal)
        let types = context.types
        guard let type = types[proposal.type] else {
            throw RegistryError("unknown place type \"\(RegistryInput.shown(proposal.type))\"; known: \(types.keys.sorted().joined(separator: ", "))")
        }
        self.type = type
        self.parts = NameParts(proposal.name, type: type)
        self.settings = context.settings
    }

    /// Text no rule can judge (a NUL byte would cut the name short in every query) and codes that
    /// are not codes are errors, not findings.
    static func validate(_ proposal: NameProposal) throws {
        if proposal.name.isEmpty { throw RegistryError("the name is empty") }
        if let problem = RegistryInput.scalarProblem(proposal.name, allowLineBreaks: false) {
            throw RegistryError("the name \(RegistryInput.shown(proposal.name)) \(problem)")
        }
        if let district = proposal.district, let problem = RegistryInput.districtProblem(district) { throw RegistryError("district: \(problem)") }
        if let town = proposal.town, let problem = RegistryInput.townProblem(town, district: proposal.district) {
            throw RegistryError("town: \(problem)")
        }
        if let location = proposal.location, !(-180...180).contains(location.x) || !(-90...90).contains(location.y) {
            throw RegistryError("the location \(location.x), \(location.y) is not a longitude/latitude in WGS84 degrees")
        }
    }

    /// The name as messages quote it: cut when long, hidden characters written out.
    var shown: String { RegistryInput.shown(proposal.name) }

    func report() throws -> CheckReport {
        // The length rule goes first: a name past the limit is rejected on that alone, so the cost of
        // the other rules never depends on how long a name someone pastes is.
        let lengthFindings = length()
        if proposal.name.count > settings.maxLength {
            let pinyin = proposal.name.count <= RegistryInput.maxNameLength ? romanizer.romanize(proper: parts.proper, generic: parts.generic) : ""
            return CheckReport(name: proposal.name, pinyin: pinyin, findings: lengthFindings)
        }
        var findings: [Finding] = []
        findings += generic()
        findings += characters()
        findings += reading()
        findings += lengthFindings
        findings += words("grandiose", settings.grandioseWords, "is a grandiose word (大、洋、怪、重) that names must avoid", in: proposal.name)
        findings += blockedWords(in: proposal.name)
        findings += try duplicates()
        findings += try homophones()
        findings += try areaMismatch()
        findings += try historic()
        findings += try reserved()
        findings += try plan()
        let pinyin = romanizer.romanize(proper: parts.proper, generic: parts.generic)
        return CheckReport(name: proposal.name, pinyin: pinyin, findings: findings)
    }

    /// Rows of a statement GRDB prepares once per run and then reuses: preparing is most of the cost
    /// of a small indexed query, and an audit runs a dozen per record.
    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(try db.cachedStatement(sql: sql), arguments: arguments)
    }

    func finding(_ rule: String, _ severity: Severity, _ message: String, _ conflicts: [Row] = []) -> Finding {
        Finding(rule: rule, severity: severity, message: message, conflicts: conflicts.map { .init(id: $0["id"], name: $0["name"]) })
    }

    // MARK: Form of the name

    func generic() -> [Finding] {
        let allowed = type.generics.joined(separator: "、")
        if parts.generic.isEmpty {
            return [finding("generic", .reject, "\(shown) does not end in a 通名 of a \(type.id) (\(allowed))")]
        }
        if parts.proper.isEmpty {
            return [finding("generic", .reject, "\(parts.generic) is a 通名 alone; a name needs a 专名 before it")]
        }
        if let stacked = type.generic(of: parts.proper) {
            return [finding("generic", .reject, "\(shown) stacks two 通名 (\(stacked) + \(parts.generic))")]
        }
        return []
    }

    func characters() -> [Finding] {
        let foreign = proposal.name.filter { character in
            let scalars = character.unicodeScalars
            return !(scalars.count == 1 && scalars.allSatisfy(Romanizer.isHan))
        }
        if !foreign.isEmpty {
            let listed = Array(Set(foreign)).sorted().prefix(20).map { "“\(RegistryInput.shown(String($0)))”" }.joined(separator: " ")
            return [finding("characters", .reject, "only standard Chinese characters are allowed; \(shown) contains \(listed) (letters, digits, spaces or punctuation)")]
        }
        guard settings.reviewRareCharacters else { return [] }
        let rare = proposal.name.filter { !CommonCharacters.contains($0) }
        if !rare.isEmpty {
            return [finding("characters", .review, "\(String(rare)) is outside GB 2312: a rare or non-standard character a reviewer should confirm")]
        }
        return []
    }

    func length() -> [Finding] {
        var findings: [Finding] = []
        let count = proposal.name.count
        if count < settings.minLength || count > settings.maxLength {
            findings.append(finding("length", .reject, "\(shown) has \(count) characters; names have \(settings.minLength) to \(settings.maxLength)"))
        }
        if let limit = settings.maxProperLength, parts.proper.count > limit {
            findings.append(finding("length", .reject, "the 专名 \(RegistryInput.shown(parts.proper)) has \(parts.proper.count) characters; at most \(limit)"))
        }
        return findings
    }

    /// Every part of the name (one character or more), for the word lists: a set lookup per word
    /// instead of a Foundation search per word (the audit runs the lists for every record). Names
    /// past the length limit never get here.
    /// The words of `list` the name holds.
    func words(_ rule: String, _ list: [String], _ why: String, in name: String) -> [Finding] {
        let hits = list.filter { !$0.isEmpty && name.holds($0) }
        guard !hits.isEmpty else { return [] }
        return [finding(rule, .reject, "\(hits.joined(separator: "、")) \(why)")]
    }

    func blockedWords(in name: String) -> [Finding] {
        words("blocked-word", settings.blockedPersons, "is a person's name; places are not named after persons", in: name)
            + words("blocked-word", settings.blockedForeign, "is a foreign person or place name", in: name)
            + words("blocked-word", settings.blockedCompanies, "is a company name or trademark", in: name)
    }

    // MARK: The registry

    /// SQL restricting records to the duplicate scope of the proposal's type, and a note when the
    /// proposal lacks the code its scope needs (then the whole registry is searched, for review).
    func scope() -> (sql: String, arguments: StatementArguments, missing: String?) {
        switch type.scope {
        case .city, .province: return ("1", [], nil)
        case .county:
            guard let district = proposal.district else { return ("1", [], "district") }
            return ("district = ?", [district], nil)
        case .town:
            guard let town = proposal.town else { return ("1", [], "town") }
            return ("town = ?", [town], nil)
        }
    }

    var excluded: Int64 { proposal.recordID ?? -1 }

    static let active = "status NOT IN ('retired','deprecated')"

    func describe(_ rows: [Row]) -> String {
        rows.prefix(5).map { row in
            let place = [row["district"] as String?, row["town"] as String?].compactMap { $0 }.joined(separator: "/")
            return "\(row["name"] as String) (record \(row["id"] as Int64)\(place.isEmpty ? "" : ", \(place)"), \(row["status"] as String))"
        }.joined(separator: "; ") + (rows.count > 5 ? "; and \(rows.count - 5) more" : "")
    }

    var scopeLabel: String {
        switch type.scope {
        case .city: "the city"
        case .county: "the same district/county"
        case .province: "the province"
        case .town: "the same town"
        }
    }

    func duplicates() throws -> [Finding] {
        if let shortcuts = context.shortcuts, shortcuts.others(named: proposal.name) == 0, !shortcuts.otherNames.contains(proposal.name) { return [] }
        let (scopeSQL, scopeArguments, missing) = scope()
        let rows = try self.rows("SELECT id, name, district, town, status FROM place WHERE name = ? AND id != ? AND \(Self.active) AND \(scopeSQL) ORDER BY id",
            [proposal.name, excluded] + scopeArguments)
        var findings: [Finding] = []
        if !rows.isEmpty {
            if let missing {
                findings.append(finding("duplicate", .review, "\(shown) exists already: \(describe(rows)); give --\(missing) to tell whether it is in the same \(missing)", rows))
            } else {
                findings.append(finding("duplicate", .reject, "\(shown) exists already in \(scopeLabel): \(describe(rows))", rows))
            }
        }
        if let shortcuts = context.shortcuts, !shortcuts.otherNames.contains(proposal.name) { return findings }
        let former = try self.rows("""
                SELECT p.id, p.name, p.district, p.town, p.status, a.name AS old, a.valid_to FROM place_alias a JOIN place p ON p.id = a.place_id
                WHERE a.name = ? AND p.id != ? AND \(scopeSQL.replacingOccurrences(of: "district", with: "p.district").replacingOccurrences(of: "town", with: "p.town")) ORDER BY p.id
                """,
            [proposal.name, excluded] + scopeArguments)
        if !former.isEmpty {
            findings.append(finding("duplicate", .review, "\(shown) is a former name or alias of \(describe(former)); reusing it confuses old addresses", former))
        }
        return findings
    }

    func homophones() throws -> [Finding] {
        let sound = romanizer.soundKey(proposal.name)
        let nearKey = settings.reviewNearSounds ? romanizer.nearSoundKey(proposal.name) : ""
        // With the tallies of a long run, each query runs only where it can find something.
        let samePossible = context.shortcuts?.mayHaveHomophone(proposal.name, sound: sound) ?? true
        let nearPossible = settings.reviewNearSounds && (context.shortcuts?.mayHaveNearSound(nearKey, sound: sound) ?? true)
        let (scopeSQL, scopeArguments, _) = scope()
        let same = samePossible ? try self.rows("SELECT id, name, district, town, status FROM place WHERE sound_key = ? AND name != ? AND id != ? AND \(Self.active) AND \(scopeSQL) ORDER BY id",
            [sound, proposal.name, excluded] + scopeArguments) : []
        var findings: [Finding] = []
        if !same.isEmpty {
            findings.append(finding("homophone", .reject, "\(shown) sounds the same (\(sound)) as \(describe(same)) in \(scopeLabel)", same))
        }
        if nearPossible {
            let near = try self.rows("SELECT id, name, district, town, status FROM place WHERE near_key = ? AND sound_key != ? AND id != ? AND \(Self.active) AND \(scopeSQL) ORDER BY id",
                [nearKey, sound, excluded] + scopeArguments)
            if !near.isEmpty {
                findings.append(finding("homophone", .review, "\(shown) sounds almost like \(describe(near)) (zh/z, n/l, -ng/-n …)", near))
            }
        }
        return findings
    }

    /// A name that contains a district's or street's name should lie in that district / along that street.
    ///
    /// SQLite looks for each area's and road's name inside the proposal (`instr`): one pass over the
    /// rows, where listing every substring of the name would grow with the square of its length.
    func areaMismatch() throws -> [Finding] {
        if let shortcuts = context.shortcuts, !RuleShortcuts.anyPart(of: proposal.name, in: shortcuts.areaPropers),
            proposal.location == nil || !RuleShortcuts.anyPart(of: proposal.name, in: shortcuts.roadNames)
        {
            return []
        }
        var findings: [Finding] = []
        let areas = try self.rows("""
                SELECT id, name, proper, type, district, town, geometry, status FROM place
                WHERE type IN ('district','subdistrict','town') AND length(proper) >= 2 AND proper != ? AND instr(?, proper) > 0
                  AND \(Self.active) AND id != ?
                """,
            [proposal.name, proposal.name, excluded])
        for area in areas {
            let areaType: String = area["type"]
            let code: String? = areaType == "district" ? area["district"] : area["town"]
            let given = areaType == "district" ? proposal.district : proposal.town
            var outside: String?
            if let code, let given, !given.hasPrefix(code), !code.hasPrefix(given) {
                outside = "the proposal is in \(given), not \(code)"
            } else if let location = proposal.location, let geometry = try Registry.geometry(from: area["geometry"], id: area["id"]),
                geometry.isPolygonal
            {
                let context = GEOSContext()
                if let prepared = try? Geometry(geometry, in: context).prepared(), !prepared.covers(location) {
                    outside = "the place at \(location.x), \(location.y) lies outside it"
                }
            }
            if let outside {
                findings.append(finding("area-mismatch", .review, "\(shown) contains \(area["proper"] as String) of \(area["name"] as String), but \(outside)", [area]))
            }
        }
        guard let location = proposal.location else { return findings }
        // A name of up to 16 characters has at most 120 parts of two or more: each is looked up in the
        // name index (fast against 100,000 records); a longer one is searched for with instr. `+type`
        // keeps SQLite from walking every road through the type index instead (it does, for ten parts).
        let characters = Array(proposal.name)
        var parts = Set<String>()
        if characters.count <= 16 {
            for length in 2..<max(2, characters.count) {
                for start in 0...(characters.count - length) { parts.insert(String(characters[start..<(start + length)])) }
            }
        }
        let match = characters.count <= 16 ? "name IN (\(parts.isEmpty ? "NULL" : Array(repeating: "?", count: parts.count).joined(separator: ",")))" : "length(name) >= 2 AND instr(?, name) > 0"
        let matchArguments: StatementArguments = characters.count <= 16 ? StatementArguments(parts.sorted()) : [proposal.name]
        let roads = try self.rows("""
                SELECT id, name, geometry, status FROM place
                WHERE +type IN ('road','street','lane','avenue') AND name != ? AND \(match)
                  AND geometry IS NOT NULL AND \(Self.active) AND id != ?
                """,
            [proposal.name] + matchArguments + [excluded])
        for road in roads {
            // A distance PROJ cannot give (a road half a world away) is no evidence either way.
            guard let geometry = try Registry.geometry(from: road["geometry"], id: road["id"]),
                let metres = try? PlaceDistance.metres(from: location, to: geometry), metres.isFinite, metres > PlaceDistance.alongRoad
            else { continue }
            findings.append(finding(
                "area-mismatch", .review,
                "\(shown) contains the road name \(road["name"] as String), but lies \(String(format: "%.0f", metres)) m from it (more than \(Int(PlaceDistance.alongRoad)) m)", [road]))
        }
        return findings
    }

    func historic() throws -> [Finding] {
        if let shortcuts = context.shortcuts, shortcuts.proposalsAreRecords || proposal.recordID == nil, !shortcuts.protectedNames.contains(proposal.name) {
            return []
        }
        // Two lookups through the name indexes, not one OR that scans every record.
        let rows = try self.rows("""
                SELECT id, name, district, town, status FROM place WHERE protected = 1 AND id != ? AND name = ?
                UNION
                SELECT p.id, p.name, p.district, p.town, p.status FROM place_alias a JOIN place p ON p.id = a.place_id
                WHERE p.protected = 1 AND p.id != ? AND a.name = ?
                ORDER BY id
                """,
            [excluded, proposal.name, excluded, proposal.name])
        var findings: [Finding] = []
        if !rows.isEmpty {
            findings.append(finding("historic", .review, "\(shown) is a protected historic name (地名文化遗产) of \(describe(rows)); another place may not take it without the protection authority's review", rows))
        }
        if let id = proposal.recordID, let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT id, name, protected FROM place WHERE id = ?"), arguments: [id]),
            row["protected"] as Bool, row["name"] as String != proposal.name
        {
            findings.append(finding("historic", .reject, "record \(id) (\(row["name"] as String)) is on the historic protection list: it is renamed only with recorded protection measures", [row]))
        }
        return findings
    }

    func reserved() throws -> [Finding] {
        if let shortcuts = context.shortcuts, !shortcuts.reservedNames.contains(proposal.name) { return [] }
        let rows = try self.rows("SELECT id, name, district, town, status FROM place WHERE status = 'reserved' AND name = ? AND id != ? ORDER BY id",
            [proposal.name, excluded])
        guard !rows.isEmpty else { return [] }
        return [finding("reserved", .reject, "\(shown) is held in the name bank (地名储备库): \(describe(rows)); approve that reserved record instead", rows)]
    }
}

extension NameRules {
    // MARK: The plan

    /// Where the place is for the plan: `--at`, else the planned road's line, else the record's geometry.
    func planLocation(road: PlannedRoad?) throws -> Coordinate? {
        if let location = proposal.location { return location }
        if let road { return PlanGeometry.representativePoint(road.geometry) }
        if let id = proposal.recordID,
            let text = try String.fetchOne(try db.cachedStatement(sql: "SELECT geometry FROM place WHERE id = ?"), arguments: [id]),
            let geometry = try Registry.geometry(from: text, id: id)
        {
            return PlanGeometry.representativePoint(geometry)
        }
        return nil
    }

    /// The planned road the name is for: the one named, or the one the record being renamed names.
    func plannedRoad() throws -> PlannedRoad? {
        if let id = proposal.plannedRoad {
            let road = try Registry.plannedRoad(db, id)
            if let placeID = road.placeID, placeID != proposal.recordID {
                throw RegistryError("planned road \(id) is named already (record \(placeID), \(road.name ?? "?"))")
            }
            return road
        }
        guard let id = proposal.recordID else { return nil }
        if let shortcuts = context.shortcuts, !shortcuts.plannedPlaces.contains(id) { return nil }
        return try Registry.plannedRoad(namedBy: id, db)
    }

    /// The `plan` rule: inside a plan area a name draws on its theme or continues its series
    /// (review otherwise); a planned road's 通名 is one its class allows (reject otherwise).
    func plan() throws -> [Finding] {
        var findings: [Finding] = []
        let road = try plannedRoad()
        if let road {
            let allowed = settings.roadClasses[road.roadClass] ?? []
            if !parts.generic.isEmpty, !allowed.contains(parts.generic) {
                findings.append(finding(
                    "plan", .reject,
                    "\(parts.generic) is not a 通名 a \(road.roadClass) road takes (planned road \(road.id): \(allowed.joined(separator: "、")))"))
            }
        }
        if !context.planAreas.isEmpty, let point = try planLocation(road: road), let area = context.area(at: point),
            !area.conforms(proposal.name, proper: parts.proper)
        {
            let series = area.series.map { "; series \($0.description)" } ?? ""
            findings.append(finding(
                "plan", .review,
                "\(shown) lies in plan area \(area.name) (theme \(area.themeText)\(series)) but uses none of its theme words\(area.series == nil ? "" : " and does not continue its series")"))
        }
        return findings
    }
}

/// Distances between a point and a stored geometry, in metres (PROJ transverse Mercator on the point).
enum PlaceDistance {
    /// How far from a road a place may be and still be "along" it.
    static let alongRoad = 500.0

    static func metres(from point: Coordinate, to geometry: GeometryValue) throws -> Double {
        let projector = try MetricProjection(centralMeridian: point.x).makeProjector()
        let context = GEOSContext()
        let a = try Geometry(.point(try projector.project([point])[0]), in: context)
        let b = try Geometry(try projector.project(geometry), in: context)
        return try a.distance(to: b)
    }
}

/// Whether a character is in GB 2312 (the 6,763 common simplified characters), by asking iconv.
enum CommonCharacters {
    private static let cache = Mutex<[Character: Bool]>([:])

    static func contains(_ character: Character) -> Bool {
        if let known = cache.withLock({ $0[character] }) { return known }
        let result = encodes(String(character))
        cache.withLock { $0[character] = result }
        return result
    }

    private static func encodes(_ text: String) -> Bool {
        do {
            return try TextDecoding.convert(Array(text.utf8), from: "UTF-8", to: "GB2312") != nil
        } catch {
            return true  // without a GB 2312 converter nothing is flagged
        }
    }
}

extension String {
    /// Whether `word`'s UTF-8 bytes occur in this string's: whole scalars only (UTF-8 never matches
    /// inside a scalar), and far cheaper than Foundation's `contains`, which an audit would run some
    /// 60 times a name for the word lists and the plan's themes.
    func holds(_ word: String) -> Bool {
        var text = self, part = word
        return text.withUTF8 { text in
            part.withUTF8 { part in
                guard let textStart = text.baseAddress, let partStart = part.baseAddress, part.count <= text.count else { return false }
                for start in 0...(text.count - part.count) where text[start] == part[0] {
                    if memcmp(textStart + start, partStart, part.count) == 0 { return true }
                }
                return false
            }
        }
    }
}
