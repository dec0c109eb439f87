// GDAL's C API only (vector: OGR; spatial references: OSR; files: VSI; errors: CPL).
// Declarations only: nothing here is linked. DoorstepGDAL resolves each function it calls at run
// time (GDALSymbols.swift), so that a run that never reads or writes through GDAL never loads it.
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
