"""Moving guests between hosts: the cold cut-over from an old host to its
new one (:mod:`xenmig.moves.cutover`) and its disk copy over ssh
(:mod:`xenmig.moves.blockcopy`)."""
