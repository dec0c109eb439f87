// GDAL's C API only (vector: OGR; spatial references: OSR; files: VSI; errors: CPL).
// Declarations only: nothing here is linked. DoorstepGDAL resolves each function it calls at run
// time (GDALSymbols.swift), so that a run that never reads or writes through GDAL never loads it.
// The target has no pkg-config name on purpose: pkg-config's `--libs gdal` would put -lgdal on the
// link line (and libgdal with its ~130 libraries into every start). Debian and Fedora install the
// headers in <prefix>/include/gdal/, Homebrew in <prefix>/include/.
#if __has_include(<gdal/gdal.h>)
#include <gdal/gdal.h>
#include <gdal/ogr_api.h>
#include <gdal/ogr_srs_api.h>
#include <gdal/cpl_conv.h>
#include <gdal/cpl_error.h>
#include <gdal/cpl_string.h>
#include <gdal/cpl_vsi.h>
#else
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#endif
