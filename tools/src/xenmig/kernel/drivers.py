"""Storage controller drivers: kernel module name -> Kconfig symbol.

The host spec names drivers as modules (``[host] storage``, what ``lsmod``
shows); the fragments and the checker need the Kconfig symbols, which
changed over the years:

* cciss (HP Smart Array, block driver ``BLK_CPQ_CISS_DA``) was removed in
  Linux 4.14; its controllers are driven by hpsa (``SCSI_HPSA``), which
  exists since 2.6.33;
* mpt2sas was merged into mpt3sas (``SCSI_MPT3SAS``) in Linux 4.4.
"""

from __future__ import annotations

from dataclasses import dataclass

from xenmig.spec import Version


@dataclass(frozen=True)
class Driver:
    module: str
    title: str
    # (first kernel, symbol, module name there), newest first.
    symbols: tuple[tuple[Version, str, str], ...]
    # What the symbol depends on, for fragments merged onto a minimal base
    # (distribution configs have these already).
    needs: tuple[str, ...]

    def symbol(self, kernel: Version) -> tuple[str, str]:
        """(Kconfig symbol, module name) of the driver in ``kernel``."""
        for since, symbol, module in self.symbols:
            if kernel >= since:
                return symbol, module
        _, symbol, module = self.symbols[-1]
        return symbol, module


_ANY = Version("2.6")
_SCSI = ("PCI", "SCSI", "SCSI_LOWLEVEL", "BLK_DEV_SD")
_SATA = ("PCI", "ATA", "BLK_DEV_SD")

DRIVERS: dict[str, Driver] = {d.module: d for d in (
    Driver("megaraid_sas", "LSI MegaRAID SAS", ((_ANY, "MEGARAID_SAS", "megaraid_sas"),), _SCSI),
    Driver("megaraid_mbox", "LSI MegaRAID (new driver)",
           ((_ANY, "MEGARAID_MAILBOX", "megaraid_mbox"),),
           (*_SCSI, "MEGARAID_NEWGEN", "MEGARAID_MM")),
    Driver("megaraid", "LSI MegaRAID (legacy driver)",
           ((_ANY, "MEGARAID_LEGACY", "megaraid"),), _SCSI),
    Driver("cciss", "HP Smart Array",
           ((Version("4.14"), "SCSI_HPSA", "hpsa"), (_ANY, "BLK_CPQ_CISS_DA", "cciss")),
           _SCSI),
    Driver("hpsa", "HP Smart Array (SCSI)", ((_ANY, "SCSI_HPSA", "hpsa"),), _SCSI),
    Driver("smartpqi", "Microchip Smart Storage", ((_ANY, "SCSI_SMARTPQI", "smartpqi"),), _SCSI),
    Driver("mpt2sas", "LSI SAS2",
           ((Version("4.4"), "SCSI_MPT3SAS", "mpt3sas"), (_ANY, "SCSI_MPT2SAS", "mpt2sas")),
           _SCSI),
    Driver("mpt3sas", "LSI/Broadcom SAS3", ((_ANY, "SCSI_MPT3SAS", "mpt3sas"),), _SCSI),
    Driver("mptsas", "LSI Fusion SAS", ((_ANY, "FUSION_SAS", "mptsas"),), (*_SCSI, "FUSION")),
    Driver("mptspi", "LSI Fusion SPI", ((_ANY, "FUSION_SPI", "mptspi"),), (*_SCSI, "FUSION")),
    Driver("aacraid", "Adaptec RAID", ((_ANY, "SCSI_AACRAID", "aacraid"),), _SCSI),
    Driver("3w-9xxx", "3ware 9000", ((_ANY, "SCSI_3W_9XXX", "3w-9xxx"),), _SCSI),
    Driver("sym53c8xx", "Symbios 53c8xx", ((_ANY, "SCSI_SYM53C8XX_2", "sym53c8xx"),), _SCSI),
    Driver("ata_piix", "Intel PIIX/ICH SATA", ((_ANY, "ATA_PIIX", "ata_piix"),),
           (*_SATA, "ATA_SFF", "ATA_BMDMA")),
    Driver("ahci", "AHCI SATA", ((_ANY, "SATA_AHCI", "ahci"),), _SATA),
    Driver("nvme", "NVM Express", ((Version("3.3"), "BLK_DEV_NVME", "nvme"),), ("PCI", "BLOCK")),
    Driver("virtio_blk", "virtio block", ((_ANY, "VIRTIO_BLK", "virtio_blk"),),
           ("PCI", "VIRTIO_MENU", "VIRTIO_PCI")),
)}

# The MegaRAID drivers the original migration saw panic at boot on
# 2.6.29-2.6.34, whether built in or loaded from an initrd.
MEGARAID_SYMBOLS = ("MEGARAID_SAS", "MEGARAID_MAILBOX", "MEGARAID_MM", "MEGARAID_LEGACY")
