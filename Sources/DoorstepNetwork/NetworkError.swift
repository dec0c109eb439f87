/// Why a network could not be built, in one line for the command line.
///
/// ```swift
/// do { _ = try StreetNetwork(lines: [], projection: projection) } catch { print(error) }
/// // "the network has no usable line (0 features)"
/// ```
public struct NetworkError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
