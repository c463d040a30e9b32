//! Compiles `proto/profile.proto` with prost-build, using protox so that no
//! `protoc` binary is needed on the machine.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/profile.proto");
    let fds = protox::compile(["profile.proto"], ["proto"])?;
    prost_build::Config::new()
        .bytes([".perftools.profiles.Profile.string_table"])
        .compile_fds(fds)?;
    Ok(())
}
