//! Draws egui's meshes straight into the window's swap-chain image.
//!
//! Bevy's 2D camera draws into an intermediate texture and then copies it to the window
//! with a full-screen pass; on a software renderer that copy (a texel fetch, an sRGB decode
//! and an sRGB encode for each of the 1.44 million pixels) costs about as much CPU as the
//! whole rest of the empty frame. The planner's camera therefore runs its own render
//! schedule, [`PlannerGraph`], with one pass: clear the window's image to the clear colour
//! and draw egui's meshes into it. It reuses what bevy_egui prepares in the render world
//! (its pipeline with the planner's shader, the screen transform, the font atlas's bind
//! group) and only builds its own vertex and index buffers from the paint jobs.

use bevy::ecs::schedule::ScheduleLabel;
use bevy::prelude::*;
use bevy::render::camera::ExtractedCamera;
use bevy::render::render_resource::{
    BufferDescriptor, BufferUsages, CachedRenderPipelineId, IndexFormat, PipelineCache,
    RenderPassDescriptor, SpecializedRenderPipelines,
};
use bevy::render::renderer::{RenderContext, RenderDevice, RenderQueue, ViewQuery};
use bevy::render::view::{ExtractedView, ViewTarget};
use bevy::render::{Render, RenderApp, RenderSystems};
use bevy_egui::render::systems::{EguiTextureBindGroups, EguiTextureId, EguiTransforms};
use bevy_egui::render::{EguiCameraView, EguiPipeline, EguiPipelineKey, EguiViewTarget};
use bevy_egui::{EguiPixelsPerPoint, EguiRenderOutput, egui};

/// The planner camera's render schedule: one pass of egui into the window.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct PlannerGraph;

/// Adds [`PlannerGraph`] and the system that prepares its buffers.
pub(crate) struct DirectEguiPlugin;

impl Plugin for DirectEguiPlugin {
    fn build(&self, app: &mut App) {
        let Some(render_app) = app.get_sub_app_mut(RenderApp) else {
            return;
        };
        render_app
            .init_resource::<DirectEgui>()
            .add_systems(
                Render,
                prepare_direct_egui
                    .in_set(RenderSystems::PrepareResources)
                    .after(bevy_egui::render::systems::prepare_egui_transforms_system)
                    .before(bevy_egui::render::systems::prepare_egui_render_target_data_system),
            )
            .add_systems(PlannerGraph, direct_egui_pass);
    }
}

/// One draw: a paint job's index range, its texture and its clip rectangle in pixels.
struct DirectDraw {
    indices: std::ops::Range<u32>,
    texture: EguiTextureId,
    scissor: [u32; 4],
}

/// This frame's buffers and draws, built from bevy_egui's extracted paint jobs.
#[derive(Resource, Default)]
struct DirectEgui {
    vertices: Option<bevy::render::render_resource::Buffer>,
    indices: Option<bevy::render::render_resource::Buffer>,
    draws: Vec<DirectDraw>,
    pipeline: Option<CachedRenderPipelineId>,
    transform_offset: u32,
    vertex_bytes: Vec<u8>,
    index_data: Vec<u32>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "one render-world system reads all of bevy_egui's prepared state"
)]
fn prepare_direct_egui(
    mut direct: ResMut<DirectEgui>,
    mut egui_views: Query<(
        &ExtractedView,
        &mut EguiRenderOutput,
        &EguiPixelsPerPoint,
        &EguiViewTarget,
    )>,
    targets: Query<&ViewTarget>,
    transforms: Res<EguiTransforms>,
    device: Res<RenderDevice>,
    queue: Res<RenderQueue>,
    pipeline_cache: Res<PipelineCache>,
    egui_pipeline: Res<EguiPipeline>,
    mut pipelines: ResMut<SpecializedRenderPipelines<EguiPipeline>>,
) {
    let direct = &mut *direct;
    direct.draws.clear();
    direct.pipeline = None;
    let Some((view, mut output, ppp, target)) = egui_views.iter_mut().next() else {
        return;
    };
    // The paint jobs are taken, not read: bevy_egui's own preparation (which runs next)
    // would otherwise copy every vertex into buffers of its own and upload them, for a pass
    // the planner's camera never runs.
    let paint_jobs = std::mem::take(&mut output.paint_jobs);
    let Ok(view_target) = targets.get(target.0) else {
        return;
    };
    let Some(format) = view_target.out_texture_view_format() else {
        return;
    };
    let main_entity = view.retained_view_entity.main_entity;
    let Some(&offset) = transforms.offsets.get(&main_entity) else {
        return;
    };
    direct.transform_offset = offset;
    direct.pipeline = Some(pipelines.specialize(
        &pipeline_cache,
        &egui_pipeline,
        EguiPipelineKey { target_format: format },
    ));
    let ppp = ppp.pixels_per_point;
    let (width, height) = (view.viewport.z, view.viewport.w);
    direct.vertex_bytes.clear();
    direct.index_data.clear();
    for job in &paint_jobs {
        let egui::epaint::Primitive::Mesh(mesh) = &job.primitive else {
            continue;
        };
        let px = |v: f32, max: u32| ((v * ppp).round().max(0.0) as u32).min(max);
        let [x0, y0] = [px(job.clip_rect.min.x, width), px(job.clip_rect.min.y, height)];
        let [x1, y1] = [px(job.clip_rect.max.x, width), px(job.clip_rect.max.y, height)];
        if x1 <= x0 || y1 <= y0 || mesh.indices.is_empty() {
            continue;
        }
        let base = (direct.vertex_bytes.len() / VERTEX_BYTES) as u32;
        for v in &mesh.vertices {
            for f in [v.pos.x, v.pos.y, v.uv.x, v.uv.y] {
                direct.vertex_bytes.extend_from_slice(&f.to_le_bytes());
            }
            direct.vertex_bytes.extend_from_slice(&v.color.to_array());
        }
        let first = direct.index_data.len() as u32;
        direct.index_data.extend(mesh.indices.iter().map(|i| i + base));
        let texture = match mesh.texture_id {
            egui::TextureId::Managed(id) => EguiTextureId::Managed(main_entity, id),
            egui::TextureId::User(id) => EguiTextureId::User(id),
        };
        direct.draws.push(DirectDraw {
            indices: first..direct.index_data.len() as u32,
            texture,
            scissor: [x0, y0, x1 - x0, y1 - y0],
        });
    }
    if direct.draws.is_empty() {
        return;
    }
    let index_bytes: Vec<u8> = direct.index_data.iter().flat_map(|i| i.to_le_bytes()).collect();
    // Buffers are kept and grown to the next power of two: creating them every frame makes a
    // software device allocate (and the kernel zero) fresh memory each time.
    for (buffer, bytes, usage, label) in [
        (
            &mut direct.vertices,
            &direct.vertex_bytes,
            BufferUsages::VERTEX,
            "navbat planner egui vertices",
        ),
        (&mut direct.indices, &index_bytes, BufferUsages::INDEX, "navbat planner egui indices"),
    ] {
        if buffer.as_ref().is_none_or(|b| b.size() < bytes.len() as u64) {
            *buffer = Some(device.create_buffer(&BufferDescriptor {
                label: Some(label),
                size: (bytes.len() as u64).next_power_of_two(),
                usage: usage | BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }));
        }
        if let Some(b) = buffer.as_ref() {
            queue.write_buffer(b, 0, bytes);
        }
    }
}

/// Bytes of one egui vertex as bevy_egui's pipeline reads it: position, uv (2 × f32 each)
/// and an sRGB colour (4 × u8).
const VERTEX_BYTES: usize = 20;

fn direct_egui_pass(
    world: &World,
    view: ViewQuery<(&ViewTarget, &ExtractedCamera, &EguiCameraView)>,
    mut ctx: RenderContext,
) {
    let (target, camera, _) = view.into_inner();
    let direct = world.resource::<DirectEgui>();
    let clear = world.resource::<ClearColor>().0.to_linear();
    let Some(attachment) = target.out_texture_color_attachment(Some(clear)) else {
        return;
    };
    let mut pass = ctx.begin_tracked_render_pass(RenderPassDescriptor {
        label: Some("navbat planner egui"),
        color_attachments: &[Some(attachment)],
        depth_stencil_attachment: None,
        timestamp_writes: None,
        occlusion_query_set: None,
        multiview_mask: None,
    });
    let pipeline_cache = world.resource::<PipelineCache>();
    let (Some(id), Some(vertices), Some(indices)) =
        (direct.pipeline, direct.vertices.as_ref(), direct.indices.as_ref())
    else {
        return;
    };
    let Some(pipeline) = pipeline_cache.get_render_pipeline(id) else {
        return;
    };
    let Some((_, transform)) = world.resource::<EguiTransforms>().bind_group.as_ref() else {
        return;
    };
    let Some(size) = camera.physical_target_size else {
        return;
    };
    let textures = world.resource::<EguiTextureBindGroups>();
    pass.set_render_pipeline(pipeline);
    pass.set_bind_group(0, transform, &[direct.transform_offset]);
    pass.set_vertex_buffer(0, vertices.slice(..));
    pass.set_index_buffer(indices.slice(..), IndexFormat::Uint32);
    for draw in &direct.draws {
        let Some((bind_group, bindless_slot)) = textures.0.get(&draw.texture) else {
            continue;
        };
        let [x, y, w, h] = draw.scissor;
        if x >= size.x || y >= size.y {
            continue;
        }
        pass.set_scissor_rect(x, y, w.min(size.x - x), h.min(size.y - y));
        pass.set_bind_group(1, bind_group, &[]);
        if let Some(slot) = bindless_slot {
            // Devices with texture arrays: the shader picks the atlas by this index.
            pass.set_immediates(0, &slot.to_le_bytes());
        }
        pass.draw_indexed(draw.indices.clone(), 0, 0..1);
    }
}
