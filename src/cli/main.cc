// impostor: finds fraudulent remote IT workers in sign-in, HR and device telemetry.
#include <cstdio>

int main(int argc, char** argv) {
  std::puts("impostor: under construction");
  return 0;
}
