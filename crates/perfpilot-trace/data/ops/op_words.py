#!/usr/bin/env python3
"""Generate the `[[op]]` entries of `data/taxonomy.toml` (issue #18, after heldout-6).

Kernels are often named after the framework op they implement (`affine_f32`, `uneg_f32`,
`addmv_kernel`, `index_select_kernel`): the op names of ATen, ONNX and ggml are category
evidence. This script maps each op name to a category and prints TOML `[[op]]` tables, one
per (source, category). Run:

    python3 op_words.py NATIVE_FUNCTIONS_YAML ONNX_OP_NAMES_FILE > ops.toml

* ATen: `aten/src/ATen/native/native_functions.yaml` of PyTorch v2.5.1 (as packaged in
  `torchgen/packaged/ATen/native/`). Ops tagged `pointwise` are elementwise unless they are
  activations; other ops are mapped by the name tables below; ops no table names are left out.
* ONNX: the operator names of `onnx.defs.get_all_schemas()` (onnx 1.17.0, domain `ai.onnx`),
  one per line in ONNX_OP_NAMES_FILE, mapped by the same tables after CamelCase -> snake_case.
* ggml: the `ggml_op`, `ggml_unary_op` and `ggml_glu_op` enums of `ggml/include/ggml.h`
  (ggml-org/llama.cpp@004eaba804a34aa1a397b61d6d5274171c5e4cba), mapped by hand below.
* CUDA Math API: the device math functions (single-precision `f` forms too): elementwise.
"""
import re
import sys

ACT = set("""relu relu6 gelu silu sigmoid tanh elu selu celu hardswish hardsigmoid hardtanh
leaky_relu mish softplus softshrink hardshrink glu prelu rrelu log_sigmoid logsigmoid threshold
tanhshrink thresholded_relu softsign shrink quick_gelu""".split())
NORM = set("""layer_norm batch_norm group_norm instance_norm rms_norm native_layer_norm
native_batch_norm native_group_norm cudnn_batch_norm miopen_batch_norm batch_norm_elemt
batch_norm_stats batch_norm_gather_stats batch_norm_update_stats batch_norm_gather_stats_with_counts
batch_norm_backward_reduce batch_norm_backward_elemt fused_rms_norm layer_normalization
batch_normalization group_normalization instance_normalization mean_variance_normalization
lp_normalization lrn local_response_norm weight_norm""".split())
GEMM = set("""mm addmm bmm baddbmm addbmm matmul mv addmv dot vdot linear addr outer ger inner
tensordot chain_matmul scaled_mm int_mm mixed_dtypes_linear gemm mat_mul mat_mul_integer
q_linear_mat_mul einsum bilinear kron""".split())
REDUCE = set("""sum mean prod amax amin aminmax argmax argmin all any std var var_mean std_mean
logsumexp cumsum cumprod cummax cummin logcumsumexp sort argsort msort topk top_k kthvalue median
nanmedian mode softmax log_softmax histc histogram histogramdd bincount unique unique_consecutive
unique_dim count_nonzero nansum nanmean trace quantile nanquantile dist cdist pdist
cosine_similarity pairwise_distance norm renorm frobenius_norm nuclear_norm norm_except_dim
linalg_vector_norm linalg_norm reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_l1
reduce_l2 reduce_log_sum reduce_log_sum_exp reduce_sum_square hardmax max min""".split())
MEMORY = set("""copy clone cat concat concatenate stack hstack vstack dstack column_stack row_stack
index index_select index_put index_add index_copy index_fill index_reduce gather gather_elements
gather_nd scatter scatter_add scatter_reduce scatter_elements scatter_nd masked_select
masked_scatter take take_along_dim put repeat repeat_interleave tile flip fliplr flipud roll rot90
pad constant_pad_nd reflection_pad1d reflection_pad2d reflection_pad3d replication_pad1d
replication_pad2d replication_pad3d fill zero zeros zeros_like ones ones_like full full_like
new_zeros new_ones new_full eye eye_like diag diag_embed diagflat nonzero non_zero argwhere flatten
unflatten contiguous to to_copy resize upsample_nearest1d upsample_nearest2d upsample_nearest3d
upsample_bilinear2d upsample_bicubic2d upsample_linear1d upsample_trilinear3d pixel_shuffle
pixel_unshuffle channel_shuffle narrow split chunk unbind expand transpose permute movedim
swapaxes swapdims squeeze unsqueeze reshape view as_strided unfold slice select alias block_diag
meshgrid broadcast_to tril_indices triu_indices cast cast_like depth_to_space space_to_depth
compress reverse_sequence center_crop_pad one_hot upsample identity split_to_sequence
concat_from_sequence constant_of_shape""".split())
RANDOM = set("""rand randn randint randperm normal uniform bernoulli exponential cauchy geometric
log_normal poisson random dropout native_dropout feature_dropout alpha_dropout
feature_alpha_dropout random_normal random_uniform random_normal_like random_uniform_like
arange linspace logspace range fused_adam fused_adamw fused_sgd""".split())
ATTN = re.compile(r"attention|scaled_dot_product|(^|_)sdp(_|$)|multi_head|(^|_)mha(_|$)")
QUANT = re.compile(r"quantize|fake_quant|choose_qparams")
POOL = re.compile(r"pool")
LOSS = re.compile(r"loss|cross_entropy")


def category(op, pointwise=False):
    words = op.split("_")
    if ATTN.search(op):
        return "attention"
    if LOSS.search(op):
        return "reduction"
    if "embedding" in op:
        return "embedding"
    if any(w.startswith("conv") and not w.startswith("convert") for w in words) or op in (
        "im2col",
        "col2im",
        "deform_conv",
    ):
        return "conv"
    if op in NORM:
        return "norm"
    base = re.sub(r"_(backward|forward|backward_data|double_backward)$", "", op)
    if base in ACT:
        return "activation"
    if QUANT.search(op):
        return "quantize"
    if base in GEMM:
        return "gemm"
    if LOSS.search(op) or POOL.search(op) or base in REDUCE:
        return "reduction"
    if base in RANDOM:
        return "elementwise"
    if base in MEMORY:
        return "memory"
    if base.startswith("foreach_"):
        return "reduction" if base == "foreach_norm" else "elementwise"
    if pointwise:
        return "elementwise"
    return None


def aten(path):
    text = open(path).read()
    out = {}
    for entry in text.split("\n- func:")[1:]:
        name = entry.strip().split("(")[0].split(".")[0].strip("_")
        tags = " ".join(re.findall(r"tags:\s*(\[.*?\]|\S+)", entry))
        pointwise = "pointwise" in tags
        if "view_copy" in tags or "inplace_view" in tags:
            out.setdefault(name, "memory")
            continue
        cat = category(name, pointwise)
        if cat and not name.startswith(("special_", "linalg_", "sparse_", "fft_", "mkldnn",
                                         "cudnn_is", "is_", "nested_", "fbgemm", "sym_")):
            out.setdefault(name, cat)
    return out


def snake(camel):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", camel)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def onnx(path):
    out = {}
    for line in open(path):
        name = line.strip()
        if name:
            cat = category(snake(name))
            if cat is None and name in POINTWISE_ONNX:
                cat = "elementwise"
            if cat:
                out[snake(name)] = cat
    return out


POINTWISE_ONNX = set("""Abs Acos Acosh Add And Asin Asinh Atan Atanh BitShift BitwiseAnd
BitwiseNot BitwiseOr BitwiseXor Ceil Clip Cos Cosh Div Equal Erf Exp Floor Greater GreaterOrEqual
IsInf IsNaN Less LessOrEqual Log Mod Mul Neg Not Or Pow Reciprocal Round Sign Sin Sinh Sqrt Sub
Sum Tan Where Xor Max Min Mean""".split())

GGML = {
    "elementwise": "add add_id add1 acc sub mul div sqr sqrt log sin cos scale clamp arange abs sgn neg step exp diag_mask_inf diag_mask_zero opt_step_adamw opt_step_sgd",
    "reduction": "sum sum_rows mean argmax count_equal soft_max argsort pool_1d pool_2d cross_entropy_loss",
    "memory": "dup repeat repeat_back concat set cpy cont reshape view permute transpose get_rows set_rows diag upscale pad pad_reflect_1d roll win_part win_unpart",
    # GGML_OP_NORM (a layer norm) is left out: ATen's `norm` is a vector norm, and the
    # `[[word]]` patterns already read `norm` as a norm layer.
    "norm": "rms_norm group_norm l2_norm",
    "gemm": "mul_mat out_prod",
    "moe": "mul_mat_id",
    "rope": "rope",
    "conv": "conv_transpose_1d im2col im2col_3d conv_2d conv_3d conv_2d_dw conv_transpose_2d",
    "embedding": "timestep_embedding",
    "activation": "leaky_relu silu_back tanh elu relu sigmoid gelu gelu_quick silu hardswish hardsigmoid gelu_erf glu reglu geglu swiglu swiglu_oai geglu_erf geglu_quick",
    "attention": "flash_attn_ext flash_attn_back",
    "ssm": "ssm_conv ssm_scan rwkv_wkv6 gated_linear_attn rwkv_wkv7",
}

CUDA_MATH = """sqrt rsqrt cbrt rcbrt exp exp2 exp10 expm1 log log2 log10 log1p pow sin cos tan sincos
sinpi cospi sincospi asin acos atan atan2 sinh cosh tanh asinh acosh atanh erf erfc erfinv erfcinv
erfcx normcdf normcdfinv lgamma tgamma fabs floor ceil round trunc rint nearbyint fmin fmax fmod
remainder hypot rhypot norm3d rnorm3d fma fdim ldexp frexp copysign nextafter""".split()


# Op names that are everyday words in kernel names and say nothing about the op there:
# `to` (`fp8_to_fp16`, `padded_to_offsets`), `all`/`any` (`all_reduce`, `allClassNMS`), the
# logical connectives (`silu_and_mul`, `compute_and_update_scales`) and `identity`.
EXCLUDE = {"to", "all", "any", "and", "or", "not", "identity"}


def main():
    tables = {}
    for name, cat in aten(sys.argv[1]).items():
        tables.setdefault(("aten", cat), set()).add(name)
    for name, cat in onnx(sys.argv[2]).items():
        tables.setdefault(("onnx", cat), set()).add(name)
    for cat, names in GGML.items():
        tables.setdefault(("ggml", cat), set()).update(names.split())
    math = set(CUDA_MATH) | {n + "f" for n in CUDA_MATH}
    # `tanh` is an activation in ATen and ggml.
    math -= {"tanh", "tanhf"}
    tables[("cuda-math", "elementwise")] = math
    sources = {
        "aten": "pytorch/pytorch aten/src/ATen/native/native_functions.yaml (v2.5.1; `pointwise` tag, view ops, name tables of data/ops/op_words.py)",
        "onnx": "onnx/onnx operator set (onnx 1.17.0 onnx.defs.get_all_schemas(), domain ai.onnx; name tables of data/ops/op_words.py)",
        "ggml": "ggml-org/llama.cpp ggml/include/ggml.h enums ggml_op / ggml_unary_op / ggml_glu_op (004eaba8)",
        "cuda-math": "CUDA Math API device functions (double and single-precision `f` names)",
    }
    for (src, cat) in sorted(tables):
        names = sorted(tables[(src, cat)] - EXCLUDE)
        print("[[op]]")
        print(f'category = "{cat}"')
        print("names = [")
        line = "   "
        for n in names:
            item = f' "{n}",'
            if len(line) + len(item) > 96:
                print(line)
                line = "   "
            line += item
        print(line)
        print("]")
        print(f'source = "{sources[src]}"')
        print()


if __name__ == "__main__":
    main()
