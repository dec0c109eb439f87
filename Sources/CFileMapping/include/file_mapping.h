#ifndef DOORSTEP_FILE_MAPPING_H
#define DOORSTEP_FILE_MAPPING_H

#include <stddef.h>

/// Maps `size` bytes of the open file `descriptor` read-only, its pages read in at once
/// (MAP_POPULATE); NULL when the file cannot be mapped (the caller then reads it).
///
/// Should the file be shortened while it is mapped, touching a page past its new end raises SIGBUS.
/// A handler installed on the first call turns that into `message` on stderr and exit status 1
/// (as any input error): one line naming the file instead of a crash. SIGBUS elsewhere stays fatal as before.
const void *doorstep_map_file(int descriptor, size_t size, const char *message);

/// Unmaps what doorstep_map_file returned, and forgets its message.
void doorstep_unmap_file(const void *base, size_t size);

#endif
