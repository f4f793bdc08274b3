// A backend author's own test beside the installed suite, on the suite's fixture: it runs on every
// backend the suite tests (LRQ_CONFORMANCE_BACKENDS) and is skipped where the suite skips.
#include "backend_fixture.hpp"

namespace {

class BackendName : public lrq::test::BackendTest {};

TEST_P(BackendName, InfoNamesThePluginsBackend) {
  EXPECT_EQ(backend().info().name, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendName, ::testing::ValuesIn(lrq::test::backend_names()),
                         lrq::test::backend_test_name);

}  // namespace
