import CGEOS

/// A GEOS STRtree over envelopes, answering which items' envelopes meet a query rectangle.
///
/// Items are the indexes of the envelopes passed in. The tree is built on the first query.
///
/// ```swift
/// let tree = try STRtree(envelopes: units.map(\.envelope), in: context)
/// let candidates = try tree.query(Envelope(minX: x, minY: y, maxX: x, maxY: y))
/// ```
public final class STRtree {
    public let context: GEOSContext
    private let tree: OpaquePointer
    /// The rectangles inserted; GEOS keeps pointers to them, so they live as long as the tree.
    private let boxes: [Geometry]

    public init(envelopes: [Envelope], in context: GEOSContext, nodeCapacity: Int = 10) throws(GEOSError) {
        guard let tree = GEOSSTRtree_create_r(context.handle, nodeCapacity) else {
            throw context.error("create STRtree")
        }
        self.context = context
        self.tree = tree
        var boxes: [Geometry] = []
        boxes.reserveCapacity(envelopes.count)
        do {
            for (index, envelope) in envelopes.enumerated() {
                let box = try Geometry(envelope: envelope, in: context)
                boxes.append(box)
                GEOSSTRtree_insert_r(context.handle, tree, box.pointer, UnsafeMutableRawPointer(bitPattern: index + 1))
            }
        } catch {
            GEOSSTRtree_destroy_r(context.handle, tree)
            throw error
        }
        self.boxes = boxes
    }

    deinit {
        GEOSSTRtree_destroy_r(context.handle, tree)
    }

    /// The indexes of the envelopes that meet `envelope`, in ascending order.
    public func query(_ envelope: Envelope) throws(GEOSError) -> [Int] {
        let box = try Geometry(envelope: envelope, in: context)
        var hits: [Int] = []
        withUnsafeMutablePointer(to: &hits) { hitsPointer in
            GEOSSTRtree_query_r(context.handle, tree, box.pointer, { item, userData in
                let hits = userData!.assumingMemoryBound(to: [Int].self)
                hits.pointee.append(Int(bitPattern: item) - 1)
            }, hitsPointer)
        }
        hits.sort()
        return hits
    }
}
