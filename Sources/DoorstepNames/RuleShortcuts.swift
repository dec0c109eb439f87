import GRDB

/// Tallies of the whole registry that let a run of many checks (the audit, suggestions) pass over a
/// query that cannot find anything: a name no other record has needs no duplicate query, a sound
/// only it has no homophone query. They only ever skip a query whose answer would be empty, so every
/// finding is the one `check` gives; a check of one name runs without them.
struct RuleShortcuts: Sendable {
    /// Active records (not retired or deprecated) per name, sound key and near-sound key.
    var names: [String: Int] = [:]
    var sounds: [String: Int] = [:]
    var nearSounds: [String: Int] = [:]
    /// Active records per (name, sound key) and per (near-sound key, sound key): what the homophone
    /// queries leave out, so a stale stored key never hides a finding.
    var nameSounds: [String: Int] = [:]
    var nearAndSounds: [String: Int] = [:]
    /// Former names and aliases of any record.
    var otherNames = Set<String>()
    /// Names and other names of protected records.
    var protectedNames = Set<String>()
    /// Names held in the name bank.
    var reservedNames = Set<String>()
    /// 专名 of active districts, subdistricts and towns (two characters or more), as UTF-8 (see ``anyPart``).
    var areaPropers = Set<[UInt8]>()
    /// Names of active roads, streets, lanes and avenues with a geometry, as UTF-8.
    var roadNames = Set<[UInt8]>()
    /// Records that name a planned road.
    var plannedPlaces = Set<Int64>()
    /// Whether each proposal is an active record's own name (the audit): it is in the tallies once.
    var proposalsAreRecords: Bool

    init(_ db: Database, proposalsAreRecords: Bool) throws {
        self.proposalsAreRecords = proposalsAreRecords
        let rows = try Row.fetchCursor(db, sql: "SELECT name, proper, type, sound_key, near_key, status, protected, geometry IS NOT NULL AS located FROM place")
        while let row = try rows.next() {
            let name: String = row[0]
            let status: String = row[5]
            if status == "reserved" { reservedNames.insert(name) }
            if row[6] as Bool { protectedNames.insert(name) }
            guard status != "retired", status != "deprecated" else { continue }
            names[name, default: 0] += 1
            sounds[row[3], default: 0] += 1
            nearSounds[row[4], default: 0] += 1
            nameSounds[name + "\u{0}" + (row[3] as String), default: 0] += 1
            nearAndSounds[(row[4] as String) + "\u{0}" + (row[3] as String), default: 0] += 1
            let type: String = row[2]
            if ["district", "subdistrict", "town"].contains(type) {
                let proper: String = row[1]
                if proper.count >= 2 { areaPropers.insert(Array(proper.utf8)) }
            } else if PlaceType.roadTypes.contains(type), row[7] as Bool {
                roadNames.insert(Array(name.utf8))
            }
        }
        let aliases = try Row.fetchCursor(db, sql: "SELECT a.name, p.protected FROM place_alias a JOIN place p ON p.id = a.place_id")
        while let row = try aliases.next() {
            otherNames.insert(row[0])
            if row[1] as Bool { protectedNames.insert(row[0]) }
        }
        plannedPlaces = Set(try Int64.fetchAll(db, sql: "SELECT place_id FROM planned_road WHERE place_id IS NOT NULL"))
    }

    /// Records other than the proposal itself with this name.
    func others(named name: String) -> Int { max(0, names[name, default: 0] - (proposalsAreRecords ? 1 : 0)) }

    /// Whether some record has the sound of `name` under another name.
    func mayHaveHomophone(_ name: String, sound: String) -> Bool { sounds[sound, default: 0] > nameSounds[name + "\u{0}" + sound, default: 0] }

    /// Whether some record is near in sound but not the same sound.
    func mayHaveNearSound(_ near: String, sound: String) -> Bool { nearSounds[near, default: 0] > nearAndSounds[near + "\u{0}" + sound, default: 0] }

    /// Whether some part of two characters or more (short of the whole) is in `set`. Parts are
    /// compared as UTF-8 bytes: hashing a String normalises it first, which made this the slowest
    /// step of an audit.
    static func anyPart(of name: String, in set: Set<[UInt8]>) -> Bool {
        guard !set.isEmpty else { return false }
        let bytes = Array(name.utf8)
        var bounds = [0]  // where each character starts, and the end
        for character in name { bounds.append((bounds.last ?? 0) + character.utf8.count) }
        let count = bounds.count - 1
        guard count > 2 else { return false }
        for length in 2..<count {
            for start in 0...(count - length) where set.contains(Array(bytes[bounds[start]..<bounds[start + length]])) { return true }
        }
        return false
    }
}
