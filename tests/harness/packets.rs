//! The packets every kernel test runs each program on: built here, byte by byte, so that
//! the expected behaviour of each program can be read from the bytes.

/// A named test packet (a whole Ethernet frame).
#[derive(Debug, Clone)]
pub struct Packet {
    /// Short name for messages and file names.
    pub name: &'static str,
    /// The frame.
    pub bytes: Vec<u8>,
}

const ETH_P_IP: u16 = 0x0800;
const ETH_P_ARP: u16 = 0x0806;

/// Internet checksum of `bytes` (even length).
fn internet_checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|pair| u32::from(u16::from_be_bytes([pair[0], pair[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn ethernet(first_byte: u8, ethertype: u16) -> Vec<u8> {
    let mut frame = vec![first_byte, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    frame.extend_from_slice(&ethertype.to_be_bytes());
    frame
}

/// An Ethernet + IPv4 frame with a correct header checksum.
fn ipv4(first_byte: u8, protocol: u8, ttl: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = ethernet(first_byte, ETH_P_IP);
    let total_len = (20 + payload.len()) as u16;
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&total_len.to_be_bytes());
    ip.extend_from_slice(&[0, 1, 0, 0, ttl, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    let check = internet_checksum(&ip);
    ip[10..12].copy_from_slice(&check.to_be_bytes());
    frame.extend_from_slice(&ip);
    frame.extend_from_slice(payload);
    frame
}

/// The packet set, in the order the tests send it.
pub fn all() -> Vec<Packet> {
    vec![
        Packet {
            name: "udp-ttl64",
            bytes: ipv4(2, 17, 64, b"hello world!"),
        },
        Packet {
            name: "tcp-ttl33-len60",
            bytes: ipv4(2, 6, 33, &[b'x'; 26]),
        },
        Packet {
            name: "udp-ttl1-odd-first-byte",
            bytes: ipv4(3, 17, 1, b"odd first byte, ttl 1, 75-byte frame....."),
        },
        Packet {
            name: "arp",
            bytes: {
                let mut frame = ethernet(4, ETH_P_ARP);
                frame.extend_from_slice(&[0, 1, 8, 0, 6, 4, 0, 1]);
                frame.extend_from_slice(&[0x55; 20]);
                frame
            },
        },
        Packet {
            name: "udp-ttl64-again",
            bytes: ipv4(2, 17, 64, b"hello world!"),
        },
        Packet {
            // The IPv4 header claims 200 bytes; the frame ends two bytes after it. (A frame
            // cut inside the IPv4 header is refused by BPF_PROG_TEST_RUN itself.)
            name: "ipv4-cut-short",
            bytes: {
                let mut frame = ipv4(6, 17, 9, b"ab");
                frame[16..18].copy_from_slice(&200u16.to_be_bytes());
                frame[24..26].fill(0);
                let check = internet_checksum(&frame[14..34]);
                frame[24..26].copy_from_slice(&check.to_be_bytes());
                frame
            },
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_headers_have_valid_checksums() {
        for packet in all()
            .iter()
            .filter(|p| p.bytes.len() >= 34 && p.bytes[12..14] == [8, 0])
        {
            assert_eq!(
                internet_checksum(&packet.bytes[14..34]),
                0,
                "{}",
                packet.name
            );
        }
    }
}
