// Great-circle geometry on a spherical Earth. Pure functions; thread-safe.
#ifndef IMPOSTOR_COMMON_GEO_H_
#define IMPOSTOR_COMMON_GEO_H_

#include <cmath>

namespace impostor {

// Mean Earth radius (IUGG), km. Haversine on it is within 0.5% of the ellipsoid.
constexpr double kEarthRadiusKm = 6371.0088;

// A valid coordinate has |lat| <= 90, |lon| <= 180, both finite, and is not the
// (0,0) "null island" placeholder that GeoIP tools emit for unknown addresses.
inline bool ValidCoordinate(double lat, double lon) {
  if (!std::isfinite(lat) || !std::isfinite(lon)) return false;
  if (lat < -90.0 || lat > 90.0 || lon < -180.0 || lon > 180.0) return false;
  return !(lat == 0.0 && lon == 0.0);
}

// Great-circle distance in km (haversine).
double HaversineKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_GEO_H_
