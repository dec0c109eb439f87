/// Field names as a Shapefile's DBF can hold them (at most 10 bytes): a fixed, documented mapping for
/// every field Doorstep writes, so a GIS analyst's scripts and symbology keep working from run to run.
///
/// ```swift
/// ShapefileFieldNames.short(["code", "elderly_uncovered"])   // ["code", "eld_uncov"]
/// ```
public enum ShapefileFieldNames {
    /// The mapping for Doorstep's own long field names: every field of every layer Doorstep writes
    /// (``OutputSchema/catalogue``) that is longer than 10 bytes has one, so none is cut or numbered.
    /// README ("Output for GIS") lists it as it is here; a test compares the two.
    public static let known: [(long: String, short: String)] = [
        ("elderly_total", "eld_total"), ("elderly_covered", "eld_cov"), ("elderly_uncovered", "eld_uncov"),
        ("elderly_off_network", "eld_offnet"), ("elderly_below_norm", "eld_below"), ("coverage_ratio", "cov_ratio"),
        ("coverage_ratio_before", "ratio_bef"), ("coverage_ratio_after", "ratio_aft"), ("uncovered_area_m2", "uncov_m2"),
        ("distance_model", "dist_model"), ("covered_before", "cov_before"), ("covered_after", "cov_after"),
        ("cumulative_covered", "cum_cov"), ("gain_elderly", "gain_eld"), ("candidate_id", "cand_id"),
        ("candidate_name", "cand_name"), ("for_min_facilities", "for_minfac"), ("supply_per_1000", "sup_per1k"),
        ("access_mean", "acc_mean"), ("access_per_1000", "acc_per1k"), ("norm_per_1000", "norm_per1k"),
        ("road_distance_m", "road_dist"), ("place_label", "plc_label"), ("former_names", "former"),
        ("former_names_from", "former_frm"), ("former_names_to", "former_to"), ("former_names_dated", "former_dat"),
        ("approval_body", "appr_body"), ("approval_date", "appr_date"), ("approval_document", "appr_doc"),
        ("notice_date", "notice_dt"), ("romanization", "roman"), ("target_ratio", "target_rat"),
        ("missing_facilities", "miss_fac"), ("elderly_share", "eld_share"),
    ]

    static let knownShort = Dictionary(known.map { ($0.long, $0.short) }, uniquingKeysWith: { first, _ in first })

    /// The DBF names of `names`, in order: a name of 10 bytes or fewer stays; a known one takes its
    /// short form; any other is cut to 10 bytes; repeats get `_2`, `_3` … (also cut to fit).
    public static func short(_ names: [String]) -> [String] {
        var used: Set<String> = []
        return names.map { name in
            let base = name.utf8.count <= 10 ? name : knownShort[name] ?? cut(name, to: 10)
            var candidate = base
            var suffix = 2
            while used.contains(candidate.lowercased()) {
                candidate = cut(base, to: 10 - "_\(suffix)".count) + "_\(suffix)"
                suffix += 1
            }
            used.insert(candidate.lowercased())
            return candidate
        }
    }

    /// The longest prefix of whole characters within `bytes` UTF-8 bytes.
    static func cut(_ name: String, to bytes: Int) -> String {
        var out = "", count = 0
        for character in name {
            let width = character.utf8.count
            guard count + width <= bytes else { break }
            out.append(character)
            count += width
        }
        return out
    }
}
