/// Which synthetic place `doorstep sample` generates.
///
/// - `city`: ``SampleCity``, a dense city of districts, streets and communities on a lattice (the
///   committed `geodata/sample`).
/// - `county`: ``SampleCounty``, a rural county of large towns, each with a small seat, villages
///   along valleys and facilities mostly in the seats, so that most of the area is uncovered.
public enum SampleProfile: String, CaseIterable, Sendable {
    case city, county
}

extension SampleCity {
    /// The sample of `profile`: the city (exactly ``generate(seed:scale:)``) or the county.
    ///
    /// ```swift
    /// let county = try SampleCity.generate(profile: .county, seed: 2024, scale: 1)
    /// try county.write(to: "/tmp/county")
    /// ```
    public static func generate(profile: SampleProfile, seed: UInt64 = 2024, scale: Double = 1) throws -> SampleCity {
        switch profile {
        case .city: try generate(seed: seed, scale: scale)
        case .county: try SampleCounty.generate(seed: seed, scale: scale)
        }
    }
}
