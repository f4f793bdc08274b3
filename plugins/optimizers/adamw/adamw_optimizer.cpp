// adamw: learned rounding driven by torch.optim's AdamW update.
#include "learned_factory.hpp"

LRQ_PLUGIN("adamw", "0.1.0", "AdamW on the rounding offsets in the SVD subspace (learned rounding)",
           lrq::optimizers::register_learned_rounding<lrq::optimizers::Method::adamw>)
