// Transformer layers on token sequences [T, D] (T tokens of width D): PatchEmbed cuts an image
// into tokens, ClassToken and PositionEmbedding add learned values, MultiheadAttention mixes the
// tokens, TokenPool turns them back into one flat vector for the head. Parameter counts and
// state follow torch (and torchvision's ViT) so checkpoints line up with PyTorch's.
#include "design/layers/LayerKit.h"

namespace strata::layers {
namespace {

int64_t tokens(const std::vector<Shape>& in) { return in.at(0).at(0); }
int64_t width(const std::vector<Shape>& in) { return in.at(0).at(1); }

// A Conv2d with kernel_size = stride = patch_size, flattened: [C, H, W] -> [H/p * W/p, D].
LayerSpec patchEmbed() {
    LayerSpec s;
    s.type = "PatchEmbed";
    s.group = "Transformer";
    s.description = "Cuts the image into patch_size x patch_size patches and maps each to one token of width embed_dim";
    s.params = {requiredInt("patch_size", 1, 1024, "patch height and width (must divide the image's)"),
                requiredInt("embed_dim", 1, 65536, "token width D")};
    s.inferShape = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const Shape& x = requireImage(in.at(0), "PatchEmbed", "move it before the Flatten",
                                      "the input is already tokens: remove this PatchEmbed");
        const int64_t k = p.i("patch_size");
        if (x[1] % k != 0 || x[2] % k != 0)
            throw ShapeError{"PatchEmbed patch_size " + std::to_string(k) + " does not divide the image " +
                                 std::to_string(x[1]) + "x" + std::to_string(x[2]) +
                                 "; use a patch_size that divides both height and width",
                             "patch_size"};
        return Shape{mulSat(x[1] / k, x[2] / k), p.i("embed_dim")};
    };
    s.paramCount = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const int64_t k = p.i("patch_size"), d = p.i("embed_dim");
        return addSat(mulSat(d, mulSat(in.at(0).at(0), mulSat(k, k))), d);
    };
    s.state = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const int64_t k = p.i("patch_size"), d = p.i("embed_dim");
        return std::vector<StateArray>{{"weight", {d, in.at(0).at(0), k, k}}, {"bias", {d}}};
    };
    return s;
}

LayerSpec classToken() {
    LayerSpec s;
    s.type = "ClassToken";
    s.group = "Transformer";
    s.description = "Puts one learned token in front of the sequence (T -> T + 1); TokenPool \"cls\" reads it";
    s.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        const Shape& x = requireTokens(in.at(0), "ClassToken");
        return Shape{addSat(x[0], 1), x[1]};
    };
    s.paramCount = [](const std::vector<Shape>& in, const ResolvedParams&) { return width(in); };
    s.state = [](const std::vector<Shape>& in, const ResolvedParams&) {
        return std::vector<StateArray>{{"token", {1, 1, width(in)}}};
    };
    return s;
}

LayerSpec positionEmbedding() {
    LayerSpec s;
    s.type = "PositionEmbedding";
    s.group = "Transformer";
    s.description = "Adds a learned vector to each token position, so attention can tell the patches apart";
    s.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        return requireTokens(in.at(0), "PositionEmbedding");
    };
    s.paramCount = [](const std::vector<Shape>& in, const ResolvedParams&) {
        return mulSat(tokens(in), width(in));
    };
    s.state = [](const std::vector<Shape>& in, const ResolvedParams&) {
        return std::vector<StateArray>{{"embedding", {1, tokens(in), width(in)}}};
    };
    return s;
}

// torch::nn::MultiheadAttention's layout: in_proj [3D, D] (+ [3D]), out_proj [D, D] (+ [D]).
LayerSpec multiheadAttention() {
    LayerSpec s;
    s.type = "MultiheadAttention";
    s.group = "Transformer";
    s.description = "Self-attention: each token takes a weighted mix of all tokens, in num_heads parallel heads";
    s.params = {requiredInt("num_heads", 1, 1024, "parallel attention heads (must divide the token width)"),
                floatParam("dropout", 0.0, 0, below(1), "dropout on the attention weights while training"),
                boolParam("bias", true, "learn biases in the input and output projections")};
    s.inferShape = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const Shape& x = requireTokens(in.at(0), "MultiheadAttention");
        const int64_t heads = p.i("num_heads");
        if (x[1] % heads != 0)
            throw ShapeError{"MultiheadAttention num_heads " + std::to_string(heads) +
                                 " does not divide the token width " + std::to_string(x[1]) +
                                 "; use a num_heads that divides " + std::to_string(x[1]),
                             "num_heads"};
        return x;
    };
    s.paramCount = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const int64_t d = width(in);
        return addSat(mulSat(4, mulSat(d, d)), p.b("bias") ? mulSat(4, d) : 0);
    };
    s.state = [](const std::vector<Shape>& in, const ResolvedParams& p) {
        const int64_t d = width(in);
        std::vector<StateArray> st{{"in_proj_weight", {mulSat(3, d), d}}};
        if (p.b("bias")) st.push_back({"in_proj_bias", {mulSat(3, d)}});
        st.push_back({"out_proj.weight", {d, d}});
        if (p.b("bias")) st.push_back({"out_proj.bias", {d}});
        return st;
    };
    return s;
}

LayerSpec tokenPool() {
    LayerSpec s;
    s.type = "TokenPool";
    s.group = "Transformer";
    s.description = "Turns the tokens into one vector: the class token (\"cls\") or the mean over tokens";
    s.params = {choiceParam("mode", "cls", {"cls", "mean"},
                            "\"cls\": the first token (put there by ClassToken); \"mean\": the mean of all tokens")};
    s.inferShape = [](const std::vector<Shape>& in, const ResolvedParams&) {
        return Shape{requireTokens(in.at(0), "TokenPool")[1]};
    };
    s.paramCount = [](const std::vector<Shape>&, const ResolvedParams&) -> int64_t { return 0; };
    return s;
}

}  // namespace

std::vector<LayerSpec> tokenLayers() {
    return {patchEmbed(), classToken(), positionEmbedding(), multiheadAttention(), tokenPool()};
}

}  // namespace strata::layers
