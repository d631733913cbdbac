//! The Bevy app: a window with egui panels, the system that steps the twin each frame, and
//! the screenshot and fixed-frame modes used by CI and measurements.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bevy::log::LogPlugin;
use bevy::prelude::*;
use bevy::render::camera::CameraRenderGraph;
use bevy::render::view::Msaa;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::window::WindowResolution;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass, egui};
use navbat_engine::{HOUR_MS, SimTime};

use crate::direct::{DirectEguiPlugin, PlannerGraph};
use crate::error::PlannerError;
use crate::layout::Layout;
use crate::map::BaseMap;
use crate::options::PlanOptions;
use crate::planner::Planner;

/// Frames screenshot mode waits for the picture before giving up.
const SCREENSHOT_PATIENCE_FRAMES: u32 = 600;

#[derive(Resource)]
struct PlannerRes(Planner);

/// How this run ends: closed by the user, after a screenshot, or after a number of frames.
#[derive(Resource)]
struct RunMode {
    screenshot: Option<PathBuf>,
    frames: u32,
    frame: u32,
    requested_at: Option<u32>,
    captured: Arc<AtomicBool>,
    started: Instant,
    styled: bool,
    /// Process CPU time (all threads) when the measured frames began, milliseconds.
    cpu_ms_at_skip: Option<f64>,
}

/// Opens the planner window over the scenario in `options` and runs until it is closed — or,
/// in screenshot mode, until the picture is saved.
pub fn run(options: PlanOptions) -> Result<(), PlannerError> {
    let started = Instant::now();
    options.check()?;
    // The window is built for X11 only (Wayland sessions provide XWayland's DISPLAY).
    if cfg!(target_os = "linux") && std::env::var_os("DISPLAY").is_none() {
        return Err(PlannerError::Window {
            message: "no display: DISPLAY is not set (on a machine without one, run under \
                      xvfb-run -a -s \"-screen 0 1600x900x24\")"
                .into(),
        });
    }
    let layout = Layout::load(&options.scenario)?;
    let mut planner = Planner::new(layout, options.seed, BaseMap::bundled()?);
    if options.sim_hours > 0.0 {
        let ms = (options.sim_hours * HOUR_MS as f64).round() as i64;
        let to = SimTime(planner.twin.start().0 + ms);
        planner.twin.advance_to(to);
    }
    if options.suggest {
        planner.start_suggestion();
    }
    let title = format!("navbat planner — {}", planner.layout.scenario().name);
    let captured = Arc::new(AtomicBool::new(false));
    let mode = RunMode {
        screenshot: options.screenshot.clone(),
        frames: options.frames,
        frame: 0,
        requested_at: None,
        captured: captured.clone(),
        started,
        styled: false,
        cpu_ms_at_skip: None,
    };
    let window = Window { title, resolution: WindowResolution::new(1600, 900), ..default() };
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin { primary_window: Some(window), ..default() })
            .set(LogPlugin { filter: "warn,navbat_planner=info".into(), ..default() }),
    )
    .add_plugins(EguiPlugin::default())
    .add_plugins(DirectEguiPlugin)
    // The panels' and the map's background: they paint none themselves.
    .insert_resource(ClearColor(Color::srgb_u8(236, 240, 244)))
    .insert_resource(WinitSettings::continuous())
    .insert_resource(PlannerRes(planner))
    .insert_resource(mode)
    .add_systems(Startup, spawn_camera)
    .add_systems(Update, (advance_twin, pace_updates, drive_run_mode).chain())
    .add_systems(EguiPrimaryContextPass, draw_planner)
    .add_systems(Last, sample_textures_nearest)
    .add_systems(
        PostUpdate,
        count_triangles
            .after(bevy_egui::EguiPostUpdateSet::ProcessOutput)
            .before(bevy_egui::EguiPostUpdateSet::PostProcessOutput),
    );
    install_coverage_shader(&mut app);
    let exit = app.run();
    if let AppExit::Error(code) = exit {
        return Err(PlannerError::Window { message: format!("the app exited with code {code}") });
    }
    if let Some(path) = options.screenshot
        && !(captured.load(Ordering::SeqCst) && path.exists())
    {
        return Err(PlannerError::ScreenshotMissing { path, frames: options.frames });
    }
    Ok(())
}

/// The camera egui draws through. Multisampling is off: egui anti-aliases its own shapes,
/// and on a software renderer a 4× multisampled target costs most of the frame. Its render
/// schedule is [`PlannerGraph`]: egui straight into the window, without Bevy's intermediate
/// texture and the full-screen copy after it.
fn spawn_camera(mut commands: Commands) {
    commands.spawn((Camera2d, CameraRenderGraph::new(PlannerGraph), Msaa::Off));
}

/// Steps the twin by speed × frame time: the engine's own `step_until`, once per frame.
fn advance_twin(time: Res<Time<Real>>, mut planner: ResMut<PlannerRes>) {
    let p = &mut planner.0;
    p.restart_twin_if_edited();
    let frame_s = time.delta_secs_f64();
    let t0 = Instant::now();
    p.step_frame(frame_s);
    let step_ms = t0.elapsed().as_secs_f64() * 1000.0;
    p.perf.record(frame_s, step_ms);
    p.poll_comparison();
    p.poll_suggestion();
    p.poll_report();
}

/// Redraws continuously while the twin moves; when it stands still and nothing runs in the
/// background, redraws only on input (or four times a second) to spare the CPU.
fn pace_updates(planner: Res<PlannerRes>, mode: Res<RunMode>, mut winit: ResMut<WinitSettings>) {
    let p = &planner.0;
    let idle = p.clock.paused
        && p.twin.jump_target().is_none()
        && p.compare.is_none()
        && p.suggest.is_none()
        && p.report.is_none();
    let wanted = if idle && mode.screenshot.is_none() && mode.frames == 0 {
        UpdateMode::reactive(Duration::from_millis(250))
    } else {
        UpdateMode::Continuous
    };
    if winit.focused_mode != wanted {
        winit.focused_mode = wanted;
        winit.unfocused_mode = wanted;
    }
}

fn draw_planner(
    mut contexts: EguiContexts,
    mut planner: ResMut<PlannerRes>,
    mut mode: ResMut<RunMode>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if !mode.styled {
        let mut visuals = egui::Visuals::light();
        visuals.panel_fill = egui::Color32::from_rgb(236, 240, 244);
        ctx.set_visuals(visuals);
        // Small filled circles as meshes, not as the font atlas's prerasterized discs: those
        // are scaled to each radius and would turn blocky under the nearest-texel sampling of
        // `sample_textures_nearest`.
        ctx.tessellation_options_mut(|o| o.prerasterized_discs = false);
        mode.styled = true;
    }
    let t0 = Instant::now();
    crate::ui::draw(ctx, &mut planner.0);
    planner.0.perf.record_draw(t0.elapsed().as_secs_f64() * 1000.0);
    Ok(())
}

/// Samples egui's textures by their nearest texel instead of bilinearly: four texel fetches
/// and their weights become one, in the fragment shader a software renderer runs for every
/// pixel egui paints. The planner's textures are egui's font atlas and the demand-zone
/// sprites; egui places glyphs and the sprites on whole pixels, where both filters read the
/// same texel. (Small discs, which egui would draw scaled from prerasterized ones in the
/// atlas, are tessellated instead: see `draw_planner`.)
fn sample_textures_nearest(
    textures: Option<Res<bevy_egui::EguiManagedTextures>>,
    mut images: ResMut<Assets<Image>>,
) {
    use bevy::image::{ImageFilterMode, ImageSampler};
    let Some(textures) = textures else {
        return;
    };
    for texture in textures.0.values() {
        let nearest = images.get(texture.handle.id()).is_none_or(|image| {
            matches!(&image.sampler, ImageSampler::Descriptor(d)
                if d.mag_filter == ImageFilterMode::Nearest
                    && d.min_filter == ImageFilterMode::Nearest)
        });
        if !nearest && let Some(mut image) = images.get_mut(texture.handle.id()) {
            if let ImageSampler::Descriptor(d) = &mut image.sampler {
                d.mag_filter = ImageFilterMode::Nearest;
                d.min_filter = ImageFilterMode::Nearest;
            } else {
                image.sampler = ImageSampler::nearest();
            }
        }
    }
}

/// Counts frames; logs when the window is up; in screenshot mode asks for the picture after
/// the requested frames and exits once it is written; in fixed-frame mode exits after them.
fn drive_run_mode(
    mut commands: Commands,
    mut mode: ResMut<RunMode>,
    planner: Res<PlannerRes>,
    mut exit: MessageWriter<AppExit>,
) {
    mode.frame += 1;
    if mode.frame == 2 {
        info!(
            "window open: second frame began {:.0} ms after start",
            mode.started.elapsed().as_secs_f64() * 1000.0
        );
    }
    let frame = mode.frame;
    if frame == crate::planner::FramePerf::SKIP {
        mode.cpu_ms_at_skip = process_cpu_ms();
    }
    if let Some(path) = mode.screenshot.clone() {
        // A suggestion asked for on the command line is waited for, and drawn for a few
        // frames (new glyphs reach the font atlas a frame or two later).
        if planner.0.suggest.is_some() {
            mode.frames = mode.frames.max(frame + 10);
        }
        if frame >= mode.frames && mode.requested_at.is_none() {
            let captured = mode.captured.clone();
            commands
                .spawn(Screenshot::primary_window())
                .observe(save_to_disk(path.clone()))
                .observe(move |_: On<ScreenshotCaptured>| captured.store(true, Ordering::SeqCst));
            mode.requested_at = Some(frame);
        }
        let written = mode.captured.load(Ordering::SeqCst) && path.exists();
        let waited = mode.requested_at.is_some_and(|at| frame > at + SCREENSHOT_PATIENCE_FRAMES);
        if written || waited {
            log_perf(&planner.0, &mode);
            exit.write(if written { AppExit::Success } else { AppExit::error() });
        }
    } else if mode.frames > 0 && frame >= mode.frames {
        log_perf(&planner.0, &mode);
        exit.write(AppExit::Success);
    }
}

/// CPU time of this process so far (user + system, all threads: the app, the render
/// thread and the software rasterizer's threads), milliseconds; `None` off Linux.
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    // Linux reports these in USER_HZ, 100 a second on every architecture it runs on here.
    Some((user + system) * 10.0)
}

fn log_perf(p: &Planner, mode: &RunMode) {
    let frames = mode.frame;
    let perf = &p.perf;
    let measured = frames.saturating_sub(crate::planner::FramePerf::SKIP);
    let cpu = match (mode.cpu_ms_at_skip, process_cpu_ms()) {
        (Some(a), Some(b)) if measured > 0 => {
            format!("{:.1} ms of process CPU a frame", (b - a) / f64::from(measured))
        }
        _ => "process CPU not measured".to_owned(),
    };
    info!(
        "{frames} frames at {}: mean {:.1} fps (frame time max {:.1} ms, first {} frames left out); \
         simulation step mean {:.3} ms, longest {:.2} ms; panels built in {:.2} ms a frame; \
         {cpu}; simulated now {}",
        crate::clock::speed_label(p.clock.speed()),
        perf.mean_fps(),
        perf.frame_s_max * 1000.0,
        crate::planner::FramePerf::SKIP,
        perf.mean_step_ms(),
        perf.step_ms_max,
        perf.mean_draw_ms(),
        p.twin.now().to_datetime()
    );
}

/// The egui shader as this planner needs it, installed in place of bevy_egui's own under the
/// same handle (so its pipeline, bind groups and blending stay as they are).
///
/// bevy_egui's shader turns every texel from linear to sRGB and the result back to linear:
/// six `pow`s a pixel, which on a software renderer cost about a fifth of the frame. The
/// planner paints no images: its textures are egui's font atlas and the demand-zone sprites
/// (`sprites.rs`), whose texels are white with coverage in alpha (premultiplied, so the sRGB
/// colour is alpha in every channel):
/// the sRGB colour is `vertex colour × coverage`, and only the conversion of that product to
/// linear (the target is sRGB) is left.
const COVERAGE_SHADER: &str = include_str!("egui_coverage.wgsl");

fn install_coverage_shader(app: &mut App) {
    let shader =
        bevy::shader::Shader::from_wgsl(COVERAGE_SHADER, "navbat_planner/egui_coverage.wgsl");
    let mut shaders = app.world_mut().resource_mut::<Assets<bevy::shader::Shader>>();
    if let Err(e) = shaders.insert(bevy_egui::render::EGUI_SHADER_HANDLE.id(), shader) {
        warn!("kept bevy_egui's own shader: {e}");
    }
}

/// Triangles egui sends to the renderer, counted in fixed-frame and screenshot runs.
#[derive(Default)]
struct TriangleCount {
    frames: u64,
    triangles: u64,
    area_px: f64,
}

fn count_triangles(
    outputs: Query<&bevy_egui::EguiRenderOutput>,
    mode: Res<RunMode>,
    mut count: Local<TriangleCount>,
) {
    if mode.frames == 0 {
        return;
    }
    for output in &outputs {
        count.frames += 1;
        for job in &output.paint_jobs {
            if let egui::epaint::Primitive::Mesh(mesh) = &job.primitive {
                for t in mesh.indices.chunks_exact(3) {
                    let [a, b, c] = [t[0], t[1], t[2]]
                        .map(|i| mesh.vertices.get(i as usize).map_or(egui::Pos2::ZERO, |v| v.pos));
                    count.area_px +=
                        f64::from((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0;
                    count.triangles += 1;
                }
            }
        }
    }
    if mode.frame + 1 == mode.frames && count.frames > 0 {
        let frames = count.frames as f64;
        info!(
            "egui drew {:.0} triangles covering {:.0} px a frame",
            count.triangles as f64 / frames,
            count.area_px / frames
        );
    }
}
