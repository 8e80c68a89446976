// Where the product's shipped data is: the folder holding catalog/ (network lists,
// the endpoint catalogue, name and e-mail catalogues) and, beside it, models/.
//
// One environment variable moves all of it: IMPOSTOR_DATA (a folder); unset or
// empty, the build-time default (the source tree's data/). Every catalogue loader
// that is not handed a folder asks DataDir(), so the network lists, the endpoint
// catalogue and the resolver's catalogues cannot come from different places.
//
// Thread safety: reads the environment on every call; safe as long as nothing
// calls setenv concurrently.
#ifndef IMPOSTOR_COMMON_DATA_DIR_H_
#define IMPOSTOR_COMMON_DATA_DIR_H_

#include <string>

namespace impostor {

// The environment variable that names the data folder.
inline constexpr const char* kDataDirVariable = "IMPOSTOR_DATA";

// $IMPOSTOR_DATA when set and non-empty, else the build-time data folder.
std::string DataDir();

// DataDir() + "/catalog".
std::string CatalogDir();

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_DATA_DIR_H_
