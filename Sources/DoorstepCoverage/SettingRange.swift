/// The range a numeric setting must lie in, with the flag that sets it: every numeric flag has one, so
/// that 1e308 or NaN is a one-line usage error rather than a trap deep in an index.
///
/// ```swift
/// GapTargets.minRatioRange.problem(with: 1.5)  // "--min-ratio 1.5: must be between 0 and 1"
/// ```
public struct SettingRange<Value: Comparable & Sendable>: Sendable {
    public var flag: String
    public var range: ClosedRange<Value>
    public var unit: String

    public init(_ flag: String, _ range: ClosedRange<Value>, unit: String = "") {
        self.flag = flag
        self.range = range
        self.unit = unit
    }

    /// What is wrong with `value`, or nil when it is in range (NaN never is).
    public func problem(with value: Value, naming subject: String? = nil) -> String? {
        guard !range.contains(value) else { return nil }
        let suffix = unit.isEmpty ? "" : " " + unit
        return "\(subject ?? flag) \(Self.text(value)): must be between \(Self.text(range.lowerBound)) and \(Self.text(range.upperBound))\(suffix)"
    }

    /// 100000 rather than 100000.0.
    static func text(_ value: Value) -> String {
        if let number = value as? Double, number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return "\(value)"
    }
}
