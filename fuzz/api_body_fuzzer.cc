// Fuzz target: the API's request bodies (src/serve/request_body.*). Any bytes,
// checked against every route's body fields, must give a parsed body or a 400
// with a message; never a crash. An accepted body's fields read back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "serve/request_body.h"
#include "serve/routes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const impostor::RouteSpec& route : impostor::ApiRoutes()) {
    if (route.body.empty()) continue;
    impostor::RequestBody body;
    auto error = body.Parse(text, route.body);
    if (error) {
      if (error->status != 400 || error->message.empty()) {
        std::fprintf(stderr, "a bad body must be a 400 with a message: %d %s\n", error->status,
                     error->message.c_str());
        std::abort();
      }
      continue;
    }
    for (const impostor::FieldSpec& f : route.body) {
      if (f.type == "string") (void)body.String(f.name);
      if (f.items == "string") (void)body.Strings(f.name);
      if (f.items == "item") (void)body.Items(f.name);
    }
  }
  return 0;
}
