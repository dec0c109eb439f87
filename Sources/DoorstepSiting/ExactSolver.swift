import CCbc
import Foundation

/// A mixed-integer linear model, built row by row and handed to COIN-OR CBC.
struct LinearModel {
    struct Column {
        var lower: Double
        var upper: Double
        var objective: Double
        var isInteger: Bool
    }

    struct Row {
        var lower: Double
        var upper: Double
        var entries: [(column: Int, value: Double)]
    }

    var columns: [Column] = []
    var rows: [Row] = []

    mutating func addColumn(lower: Double = 0, upper: Double = 1, objective: Double, integer: Bool) -> Int {
        columns.append(Column(lower: lower, upper: upper, objective: objective, isInteger: integer))
        return columns.count - 1
    }

    mutating func addRow(lower: Double = -.infinity, upper: Double = .infinity, _ entries: [(column: Int, value: Double)]) {
        rows.append(Row(lower: lower, upper: upper, entries: entries))
    }

    var nonzeros: Int { rows.reduce(0) { $0 + $1.entries.count } }
}

/// The outcome of a solver run, honestly labelled.
public struct SolverOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Proven optimal.
        case optimal
        /// A solution, not proven optimal (time limit, or a heuristic), with a bound and the gap to it.
        case feasible
        /// No solution satisfies the constraints.
        case infeasible
    }

    public var status: Status
    /// Column values of the best solution found (empty when infeasible).
    public var values: [Double]
    /// Objective of that solution, in the model's own sense.
    public var objective: Double
    /// The best bound proven on the objective.
    public var bound: Double?
}

/// Solves a `LinearModel` with CBC (minimisation), with a time limit and an optional warm start.
///
/// CBC looks at its clock between nodes only: the root LP of a large capacitated model can run many
/// times the limit (25 s against 5 on the sample city). So on Linux it runs in a child process that
/// is killed when the deadline passes, and the caller keeps the heuristic's answer.
enum CBC {
    /// The model in CBC's column-wise arrays, made before any fork so that the child only solves.
    struct Loaded {
        var columns: Int32, rows: Int32
        var starts: [CoinBigIndex], indexes: [Int32], values: [Double]
        var columnLower: [Double], columnUpper: [Double], objective: [Double], rowLower: [Double], rowUpper: [Double]
        var integers: [Int32]
        var threads: Int

        init(_ model: LinearModel) {
            let n = model.columns.count
            // CBC takes the matrix column by column.
            var perColumn = [[(row: Int32, value: Double)]](repeating: [], count: n)
            for (r, row) in model.rows.enumerated() {
                for entry in row.entries { perColumn[entry.column].append((Int32(r), entry.value)) }
            }
            starts = [0]
            indexes = []
            values = []
            for column in perColumn {
                for entry in column {
                    indexes.append(entry.row)
                    values.append(entry.value)
                }
                starts.append(CoinBigIndex(indexes.count))
            }
            let infinity = 1e30
            columns = Int32(n)
            rows = Int32(model.rows.count)
            columnLower = model.columns.map(\.lower)
            columnUpper = model.columns.map(\.upper)
            objective = model.columns.map(\.objective)
            rowLower = model.rows.map { max($0.lower, -infinity) }
            rowUpper = model.rows.map { min($0.upper, infinity) }
            integers = model.columns.indices.filter { model.columns[$0].isInteger }.map { Int32($0) }
            threads = model.nonzeros > 100_000 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1  // threads cost on tiny models
        }
    }

    /// The outcome, or nil when the deadline stopped CBC before it answered.
    /// - Throws: when CBC cannot be loaded (loaded here, before any fork: a child must not open it).
    static func minimize(_ model: LinearModel, timeLimit: Double, start: [Double]?, deadline: Deadline? = nil) throws(SitingError) -> SolverOutcome? {
        let cbc = try CbcLibrary.functions()
        let loaded = Loaded(model)
        #if os(Linux)
            if let deadline { return inChild(loaded, cbc: cbc, timeLimit: timeLimit, start: start, deadline: deadline) }
        #endif
        return solve(loaded, cbc: cbc, timeLimit: timeLimit, start: start)
    }

    static func solve(_ model: Loaded, cbc: CbcFunctions, timeLimit: Double, start: [Double]?) -> SolverOutcome {
        let n = Int(model.columns)
        let problem = cbc.newModel()
        defer { cbc.deleteModel(problem) }
        cbc.loadProblem(
            problem, model.columns, model.rows, model.starts, model.indexes, model.values, model.columnLower, model.columnUpper,
            model.objective, model.rowLower, model.rowUpper)
        for j in model.integers { cbc.setInteger(problem, j) }
        cbc.setObjSense(problem, 1)
        cbc.setLogLevel(problem, 0)
        cbc.setMaximumSeconds(problem, max(0.01, timeLimit))
        cbc.setAllowableFractionGap(problem, 1e-9)
        // Measured on the benchmark instances: CBC's preprocessing only slows these coverage models
        // (10k × 1k: 20 s with it, 9 s without), and a second thread helps on large ones. The time limit is wall-clock.
        cbc.setParameter(problem, "preprocess", "off")
        cbc.setParameter(problem, "threads", String(model.threads))
        cbc.setParameter(problem, "timeMode", "elapsed")
        if let start {
            let columnsStarted = (0..<model.columns).map { $0 }
            cbc.setMIPStartI(problem, model.columns, columnsStarted, start)
        }
        _ = cbc.solve(problem)
        if cbc.isProvenInfeasible(problem) != 0 {
            return SolverOutcome(status: .infeasible, values: [], objective: .nan, bound: nil)
        }
        let solution = cbc.bestSolution(problem).map { UnsafePointer($0) } ?? cbc.getColSolution(problem)
        guard let solution else {
            return SolverOutcome(status: .infeasible, values: [], objective: .nan, bound: nil)
        }
        let result: [Double] = Array(UnsafeBufferPointer(start: solution, count: n))
        var value = 0.0
        for j in 0..<n { value += result[j] * model.objective[j] }
        let optimal = cbc.isProvenOptimal(problem) != 0 && cbc.isSecondsLimitReached(problem) == 0
        let bound = cbc.getBestPossibleObjValue(problem)
        return SolverOutcome(
            status: optimal ? .optimal : .feasible, values: result, objective: value,
            bound: optimal ? value : (bound.isFinite && abs(bound) < 1e30 ? min(bound, value) : nil))
    }

    #if os(Linux)
        /// CBC in a child process that writes its outcome to a pipe; killed when the deadline passes.
        /// Any failure (no pipe, no fork, a child that dies) is "no answer": the heuristic's stays.
        static func inChild(_ model: Loaded, cbc: CbcFunctions, timeLimit: Double, start: [Double]?, deadline: Deadline) -> SolverOutcome? {
            var pipeEnds: [Int32] = [-1, -1]
            guard pipe(&pipeEnds) == 0 else { return nil }
            let (reading, writing) = (pipeEnds[0], pipeEnds[1])
            let child = fork()
            if child == 0 {
                close(reading)
                let outcome = solve(model, cbc: cbc, timeLimit: timeLimit, start: start)
                let encoded = encode(outcome)
                var ok = true
                encoded.withUnsafeBytes { bytes in ok = writeAll(writing, bytes) }
                _exit(ok ? 0 : 1)
            }
            close(writing)
            defer { close(reading) }
            guard child > 0 else { return nil }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                var ready = pollfd(fd: reading, events: Int16(POLLIN), revents: 0)
                // In slices of 100 ms, so that a cancelled run stops CBC soon, not at its time limit.
                let waited = poll(&ready, 1, Int32(min(deadline.secondsLeft * 1000, 100).rounded(.up)))
                if waited == 0, !deadline.hasPassed { continue }
                if waited == 0 || (waited < 0 && errno != EINTR) {
                    kill(child, SIGKILL)
                    waitpid(child, nil, 0)
                    return nil
                }
                if waited < 0 { continue }
                let count = read(reading, &buffer, buffer.count)
                if count > 0 {
                    received += buffer[0..<count]
                } else if count == 0 {
                    break
                } else if errno != EINTR {
                    kill(child, SIGKILL)
                    waitpid(child, nil, 0)
                    return nil
                }
            }
            var status: Int32 = 0
            waitpid(child, &status, 0)
            return decode(received, columns: Int(model.columns))
        }

        static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
            var offset = 0
            while offset < bytes.count {
                guard let base = bytes.baseAddress else { return false }
                let written = write(fd, base + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    #endif

    /// [status, objective, has bound, bound, values…] as doubles.
    static func encode(_ outcome: SolverOutcome) -> [Double] {
        let status: Double = switch outcome.status {
        case .optimal: 0
        case .feasible: 1
        case .infeasible: 2
        }
        return [status, outcome.objective, outcome.bound == nil ? 0 : 1, outcome.bound ?? 0] + outcome.values
    }

    static func decode(_ bytes: [UInt8], columns: Int) -> SolverOutcome? {
        guard bytes.count % 8 == 0, bytes.count / 8 >= 4 else { return nil }
        let numbers: [Double] = bytes.withUnsafeBytes { raw in (0..<bytes.count / 8).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) } }
        let status: SolverOutcome.Status
        switch numbers[0] {
        case 0: status = .optimal
        case 1: status = .feasible
        case 2: status = .infeasible
        default: return nil
        }
        let values = Array(numbers.dropFirst(4))
        guard status == .infeasible || values.count == columns else { return nil }
        return SolverOutcome(status: status, values: values, objective: numbers[1], bound: numbers[2] != 0 ? numbers[3] : nil)
    }
}
