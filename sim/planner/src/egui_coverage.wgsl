// navbat planner: egui's meshes for white-coverage textures only (egui's font atlas, whose
// white texel also paints every solid shape). Replaces bevy_egui's shader under its handle;
// the bindings, vertex layout and entry points are the ones its pipeline declares.
// Colours go from sRGB to linear once a vertex instead of once a pixel: a solid colour gives
// the same pixels as bevy_egui's shader; only anti-aliased fringes (feathering, glyph
// coverage) ramp in linear instead of sRGB values, a difference of a few levels there.

struct ScreenTransform {
    scale: vec2<f32>,
    translation: vec2<f32>,
}

@group(0) @binding(0) var<uniform> screen: ScreenTransform;

#ifdef BINDLESS
@group(1) @binding(0) var atlases: binding_array<texture_2d<f32>>;
@group(1) @binding(1) var atlas_samplers: binding_array<sampler>;

struct AtlasSlot {
    index: u32,
};
var<immediate> slot: AtlasSlot;
#else
@group(1) @binding(0) var atlas: texture_2d<f32>;
@group(1) @binding(1) var atlas_sampler: sampler;
#endif

struct Fragment {
    @builtin(position) clip: vec4<f32>,
    // The vertex colour (egui's premultiplied sRGB) turned to linear light, once a vertex.
    @location(0) linear: vec4<f32>,
    @location(1) uv: vec2<f32>,
}

@vertex
fn vs_main(
    @location(0) point: vec2<f32>,
    @location(1) uv: vec2<f32>,
    @location(2) srgb: vec4<f32>,
) -> Fragment {
    let low = srgb.rgb * (1.0 / 12.92);
    let high = pow((srgb.rgb + vec3<f32>(0.055)) * (1.0 / 1.055), vec3<f32>(2.4));
    let linear = vec4<f32>(select(high, low, srgb.rgb <= vec3<f32>(0.04045)), srgb.a);
    return Fragment(vec4<f32>(point * screen.scale + screen.translation, 0.0, 1.0), linear, uv);
}

@fragment
fn fs_main(in: Fragment) -> @location(0) vec4<f32> {
    // White texels: coverage in alpha scales the premultiplied colour. The sRGB target
    // blends in linear light, as with bevy_egui's own shader.
#ifdef BINDLESS
    return in.linear * textureSample(atlases[slot.index], atlas_samplers[slot.index], in.uv).a;
#else
    return in.linear * textureSample(atlas, atlas_sampler, in.uv).a;
#endif
}
