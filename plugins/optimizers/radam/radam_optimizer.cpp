// radam: learned rounding driven by torch.optim's RAdam update.
#include "learned_factory.hpp"

LRQ_PLUGIN("radam", "0.1.0", "RAdam on the rounding offsets in the SVD subspace (learned rounding)",
           lrq::optimizers::register_learned_rounding<lrq::optimizers::Method::radam>)
