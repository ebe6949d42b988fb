//! What `trace triage` and `trace layers` both do with one parsed file before their own
//! analysis: report the events the parser skipped, and pick the device to analyse.

use std::path::Path;

use perfpilot_report::Warning;

use crate::model::{GpuKind, ParseStats, Trace};

/// One warning per skip reason of the parser, naming the file and the first offending byte.
pub(crate) fn skipped_warnings(path: &Path, stats: &ParseStats, warnings: &mut Vec<Warning>) {
    for s in &stats.skipped {
        warnings.push(Warning::counted(
            &s.reason,
            s.count,
            format!(
                "{}: {} event(s) skipped; first at byte {}: {}",
                path.display(),
                s.count,
                s.first_offset,
                s.first_detail
            ),
        ));
    }
}

/// The device analysed (the one with the most kernel time; 0 when none ran kernels).
pub(crate) struct DeviceChoice {
    /// The device.
    pub device: u32,
    /// The other devices that ran kernels, heaviest first (not analysed).
    pub others: Vec<u32>,
    /// Indices into `trace.gpu` of the device's ops, synchronisation events left out.
    pub ops: Vec<u32>,
}

/// Choose the device and collect its ops; other devices with kernels give a warning.
pub(crate) fn choose_device(
    trace: &Trace,
    path: &Path,
    warnings: &mut Vec<Warning>,
) -> DeviceChoice {
    let devices = trace.devices_by_kernel_time();
    let device = devices.first().map_or(0, |d| d.0);
    let others: Vec<u32> = devices.iter().skip(1).map(|d| d.0).collect();
    if !others.is_empty() {
        warnings.push(Warning::new(
            "other-devices",
            format!(
                "{}: kernels on devices {others:?} are not analysed (device {device} has the \
                 most kernel time)",
                path.display()
            ),
        ));
    }
    let ops = trace
        .gpu
        .iter()
        .enumerate()
        .filter(|(_, g)| g.device == device && g.kind != GpuKind::Sync)
        .map(|(i, _)| i as u32)
        .collect();
    DeviceChoice { device, others, ops }
}
