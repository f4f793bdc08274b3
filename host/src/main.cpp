#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return lrq::host::run_cli(argc, argv);
}
